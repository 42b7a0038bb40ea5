# Nothing to fix here: this file must keep every byte.
resource "aws_ebs_volume" "archive" {
  availability_zone = "us-east-1a"
  size              = 100
  type              = "sc1"
  encrypted         = true
}
