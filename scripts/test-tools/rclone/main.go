// rclone for the backup scripts' test: the pinned release's own command line (cmd.Main), with
// only the commands upload.sh and download.sh run and the backends the pod can be configured with
// (s3, google cloud storage, azureblob) plus local. The pod itself runs the official rclone image
// of the same version, which has every backend and command; this build only keeps the test's
// cold build short.
package main

import (
	_ "github.com/rclone/rclone/backend/azureblob"
	_ "github.com/rclone/rclone/backend/googlecloudstorage"
	_ "github.com/rclone/rclone/backend/local"
	_ "github.com/rclone/rclone/backend/s3"
	"github.com/rclone/rclone/cmd"
	_ "github.com/rclone/rclone/cmd/checksum"
	_ "github.com/rclone/rclone/cmd/copy"
	_ "github.com/rclone/rclone/cmd/hashsum"
	_ "github.com/rclone/rclone/cmd/lsf"
	_ "github.com/rclone/rclone/cmd/rcat"
	_ "github.com/rclone/rclone/cmd/version"
)

func main() {
	cmd.Main()
}
