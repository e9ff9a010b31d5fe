#!/usr/bin/env bash
# Try the gateway offline: WireMock stand-ins answering as WhatsApp's Cloud API, Twilio, SendGrid and
# Resend document (config/offline/mappings) on 127.0.0.1:8089, and the gateway in the dev profile
# pointed at them with made-up platform credentials, so WhatsApp, SMS and email sends reach
# "submitted" on a machine with no provider account. Ctrl-C stops both.
#   bash config/try-offline.sh            # the gateway from source (mvn spring-boot:run)
#   JAR=target/pasarela-0.1.0-SNAPSHOT.jar bash config/try-offline.sh
set -euo pipefail
cd "$(dirname "$0")/.."
STANDIN_PORT=${STANDIN_PORT:-8089}
# the WireMock the tests use (pom.xml's wiremock.version), as the benches find it
source bench/lib/gateway.sh
wiremock_jar
mkdir -p target/offline
java -jar "$WIREMOCK" --port "$STANDIN_PORT" --bind-address 127.0.0.1 --root-dir config/offline --disable-banner \
  > target/offline/stand-ins.log 2>&1 &
STANDINS=$!
trap 'kill $STANDINS 2>/dev/null' EXIT
echo "provider stand-ins on http://127.0.0.1:$STANDIN_PORT (requests they saw: /__admin/requests)"
STANDIN="http://127.0.0.1:$STANDIN_PORT"
export META_GRAPH_BASE_URL=$STANDIN TWILIO_API_BASE=$STANDIN SENDGRID_API_BASE=$STANDIN RESEND_API_BASE=$STANDIN
# made-up platform credentials: only the stand-ins ever see them
export WHATSAPP_ACCESS_TOKEN=offline-whatsapp-token WHATSAPP_PHONE_NUMBER_ID=106540352242922 \
  WHATSAPP_BUSINESS_ACCOUNT_ID=102290129340398
export TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000 TWILIO_AUTH_TOKEN=offline-twilio-token \
  TWILIO_PHONE_NUMBER=+15005550006
export SENDGRID_API_KEY=SG.offline-key RESEND_API_KEY=re_offline_key EMAIL_FROM=avisos@example.com
if [ -n "${JAR:-}" ]; then
  java -jar "$JAR" --spring.profiles.active=dev
else
  mvn spring-boot:run -Dspring-boot.run.profiles=dev
fi
