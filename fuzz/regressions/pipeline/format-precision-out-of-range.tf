locals {
  p = format("%.999999999f", 1)
}

resource "aws_ebs_volume" "v" {
  availability_zone = "us-east-1a"
  type              = local.p
  size              = 10
}
