#!/bin/sh
# Regenerates hold/hold-music.wav: our own synthesis, no samples, so no licence
# strings attached. Needs only sox (Debian 'sox', tested with 14.4.2).
#   sh freeswitch/conf/music/make-hold-music.sh
#
# 8 bars of 3 s (24 s, loops back to the first chord): C Am F G C Am Dm G.
# Each bar is a soft sine pad (three notes, fading in and out) under a plucked
# arpeggio of six notes; a little reverb glues them; 8 kHz mono 16-bit (~375 KB).
# Notes are semitones from A4 (sox's %n): %-9 = C4, %3 = C5.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bar=0
# "pad notes|arpeggio notes" per bar
for chord in \
  "-21 -9 -5|-9 -5 -2 3 -2 -5" \
  "-24 -12 -9|-12 -9 -5 0 -5 -9" \
  "-28 -16 -12|-16 -12 -9 -4 -9 -12" \
  "-26 -14 -10|-14 -10 -7 -2 -7 -10" \
  "-21 -9 -5|-5 -2 3 7 3 -2" \
  "-24 -12 -9|-9 -5 0 3 0 -5" \
  "-31 -19 -16|-7 -4 0 5 0 -4" \
  "-26 -14 -10|-10 -7 -2 2 5 2"; do
  pad=${chord%%|*}
  arp=${chord#*|}
  set -- $pad
  sox -R -n -r 8000 -c 1 -b 16 "$tmp/pad.wav" \
    synth 3 sine "%$1" synth 3 sine mix "%$2" synth 3 sine mix "%$3" \
    vol 0.18 fade t 0.6 3 0.9
  n=0
  for note in $arp; do
    sox -R -n -r 8000 -c 1 -b 16 "$tmp/note$n.wav" synth 0.5 pluck "%$note" vol 0.35 fade t 0.005 0.5 0.3
    n=$((n + 1))
  done
  sox -R "$tmp"/note0.wav "$tmp"/note1.wav "$tmp"/note2.wav "$tmp"/note3.wav "$tmp"/note4.wav "$tmp"/note5.wav "$tmp/arp.wav"
  sox -R -m "$tmp/pad.wav" "$tmp/arp.wav" "$tmp/bar$bar.wav"
  bar=$((bar + 1))
done

sox -R "$tmp"/bar0.wav "$tmp"/bar1.wav "$tmp"/bar2.wav "$tmp"/bar3.wav \
    "$tmp"/bar4.wav "$tmp"/bar5.wav "$tmp"/bar6.wav "$tmp"/bar7.wav \
    -r 8000 -c 1 -b 16 hold/hold-music.wav \
    highpass 40 lowpass 2500 reverb 30 50 60 gain -n -4
