#!/usr/bin/env bash
# The README's walk-through, end to end, with the AWS CLI and the amiplace CLI: a seller lists a
# complete product, the operators approve it to Public, a buyer subscribes, launches an instance
# and the seller's example program verifies the instance from inside (its metadata service).
# Usage: examples/walkthrough.sh   (starts its own server on free ports; needs `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
B=$PWD/build/amiplace
VERIFY=$PWD/build/examples/verify_marketplace_instance
DATA=$(mktemp -d)
IMDS_PORT=${IMDS_PORT:-$(python3 -c 'import socket;s=socket.socket();s.bind(("",0));print(s.getsockname()[1])')}
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT

step() { printf '\n== %s\n' "$*"; }
field() { python3 -c "import json,sys;d=json.load(sys.stdin);print(eval('d'+sys.argv[1]))" "$1"; }
as() {  # as ACCOUNT_JSON: export that account's credentials
  export AWS_ACCESS_KEY_ID=$(field "['AccessKeyId']" <<<"$1") AWS_SECRET_ACCESS_KEY=$(field "['SecretAccessKey']" <<<"$1")
}
wait_status() {  # wait_status CHANGE_SET_ID STATUS
  for _ in $(seq 100); do
    s=$(aws marketplace-catalog describe-change-set --catalog AWSMarketplace --change-set-id "$1" $EP | field "['Status']")
    [ "$s" = "$2" ] && return 0
    case "$s" in SUCCEEDED|FAILED|CANCELLED) echo "change set $1 is $s, not $2" >&2; return 1;; esac
    sleep 0.2
  done
  echo "change set $1 never reached $2" >&2; return 1
}

step "Start the server (manual review)"
$B serve --data "$DATA" --listen 127.0.0.1:0 --imds-port "$IMDS_PORT" > "$DATA/stdout" 2> "$DATA/stderr" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$DATA/stdout" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^amiplace listening on //p' "$DATA/stdout")
export AMIPLACE_ENDPOINT_URL=$URL AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
EP="--endpoint-url $URL --output json"
OPERATOR=$(cat "$DATA/operator.json")

step "The operator creates a seller and a buyer"
as "$OPERATOR"
SELLER=$($B admin create-account --type SELLER --name "Example Software")
BUYER=$($B admin create-account --type BUYER --name "Example Buyer")
SELLER_ID=$(field "['AccountId']" <<<"$SELLER"); BUYER_ID=$(field "['AccountId']" <<<"$BUYER")
echo "seller $SELLER_ID, buyer $BUYER_ID"

step "The seller registers its AMI in us-east-1 and lists a complete product in one change set"
as "$SELLER"
AMI=$(aws ec2 register-image --name example-firewall-1.0.0 --architecture x86_64 \
  --virtualization-type hvm --root-device-name /dev/xvda \
  --block-device-mappings 'DeviceName=/dev/xvda,Ebs={SnapshotId=snap-0123456789abcdef0,Encrypted=false}' \
  $EP | field "['ImageId']")
sed -e "s/SELLER_AMI_ID/$AMI/" -e "s/SELLER_ACCOUNT_ID/$SELLER_ID/" -e "s/BUYER_ACCOUNT_ID/$BUYER_ID/" \
  examples/complete-product.json > "$DATA/change-set.json"
CS=$(aws marketplace-catalog start-change-set --catalog AWSMarketplace \
  --change-set "file://$DATA/change-set.json" $EP | field "['ChangeSetId']")
wait_status "$CS" SUCCEEDED
PRODUCT=$(aws marketplace-catalog describe-change-set --catalog AWSMarketplace --change-set-id "$CS" $EP \
  | field "['ChangeSet'][0]['Entity']['Identifier']")
CODE=$(aws marketplace-catalog describe-entity --catalog AWSMarketplace --entity-id "$PRODUCT" $EP \
  | field "['DetailsDocument']['Description']['ProductCode']")
echo "product $PRODUCT (Limited), product code $CODE"

step "The seller asks for Public; the operator approves"
CS=$(aws marketplace-catalog start-change-set --catalog AWSMarketplace $EP --change-set \
  "[{\"ChangeType\":\"UpdateVisibility\",\"Entity\":{\"Type\":\"AmiProduct@1.0\",\"Identifier\":\"$PRODUCT\"},\"DetailsDocument\":{\"TargetVisibility\":\"Public\"}}]" \
  | field "['ChangeSetId']")
wait_status "$CS" APPLYING
as "$OPERATOR"
for _ in $(seq 50); do $B admin list-reviews | grep -q "$CS" && break; sleep 0.2; done
$B admin approve-review --change-set-id "$CS"

step "A buyer finds it, subscribes and launches an instance"
as "$BUYER"
$B buyer search --query firewall
$B buyer subscribe --product-id "$PRODUCT"
IMAGE=$($B buyer describe-product --product-id "$PRODUCT" | field "['Versions'][0]['Images']['us-east-1']")
INSTANCE=$(aws ec2 run-instances --image-id "$IMAGE" --instance-type t3.micro --count 1 $EP \
  | field "['Instances'][0]['InstanceId']")
aws ec2 wait instance-running --instance-ids "$INSTANCE" $EP
IP=$(aws ec2 describe-instances --instance-ids "$INSTANCE" $EP \
  | field "['Reservations'][0]['Instances'][0]['PrivateIpAddress']")
echo "instance $INSTANCE at $IP"

step "From inside the instance: its metadata service and the seller's check"
TOKEN=$(curl -s -X PUT "http://$IP:$IMDS_PORT/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300")
curl -s -H "X-aws-ec2-metadata-token: $TOKEN" "http://$IP:$IMDS_PORT/latest/meta-data/product-codes"; echo
$VERIFY --product-code "$CODE" --metadata-endpoint "http://$IP:$IMDS_PORT" \
  --certificate-url "$URL/amiplace/v1/identity-certificate"
if $VERIFY --product-code wrongcodewrongcodewrongco --metadata-endpoint "http://$IP:$IMDS_PORT" \
  --certificate-url "$URL/amiplace/v1/identity-certificate" 2>/dev/null; then
  echo "the check accepted a wrong product code" >&2; exit 1
fi
echo "walk-through complete"
