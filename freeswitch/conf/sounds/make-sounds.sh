#!/bin/sh
# Regenerates the service's spoken messages with espeak-ng (synthesised, so no
# recording rights to clear) and sox, as 8 kHz mono 16-bit WAV files.
# Needs Debian 'espeak-ng' and 'sox'. Replace a file with your own recording
# of the same name (or point FS_QUEUE_TIMEOUT_MESSAGE elsewhere) to brand it.
#   sh freeswitch/conf/sounds/make-sounds.sh
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() {
  espeak-ng -v en-gb -s 150 -w "$tmp/raw.wav" "$2"
  # Half a second of silence first, so the start is not clipped.
  sox -q "$tmp/raw.wav" -r 8000 -c 1 -b 16 "$1" pad 0.5 0.3 norm -3
}

say queue-timeout.wav "We are sorry. All our advisers are still busy. Please call again later. Goodbye."
