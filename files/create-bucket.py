"""Creates the artifact bucket if it is missing and keeps it private (the bucket Job of
the in-release S3 gateway). Idempotent: an existing bucket of ours is fine. Credentials
come from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never arguments.
A bucket the gateway creates is private (versity/versitygw v1.7.0,
s3api/controllers/bucket-put.go); any bucket policy found is removed, so no anonymous
access is left, as `mc anonymous set none` does for MinIO.
"""
import os
import sys

import boto3
from botocore.exceptions import ClientError


def main() -> int:
    s3 = boto3.client("s3", endpoint_url=os.environ["S3_ENDPOINT"],
                      region_name=os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    bucket = os.environ["BUCKET"]
    try:
        s3.create_bucket(Bucket=bucket)
        print(f"created bucket {bucket}", flush=True)
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
        print(f"bucket {bucket} exists", flush=True)
    try:
        s3.delete_bucket_policy(Bucket=bucket)
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") not in ("NoSuchBucketPolicy", "NotImplemented"):
            raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
