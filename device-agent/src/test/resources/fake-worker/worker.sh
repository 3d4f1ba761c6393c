#!/bin/sh
# A stand-in media worker speaking the JSON-line worker protocol (media-pipeline/README.md),
# for CallControllerTest. With FAKE_WORKER_NO_CONNECT=1 it never reports a connection. Like
# libwebrtc, a second answer to one offer fails the call ("Called in wrong state: stable").
echo '{"ev":"ready","pid":0,"warmupMs":1}'
session=""
answers=0
while IFS= read -r line; do
  case "$line" in
    *'"op":"call"'*)
      session=$(printf '%s' "$line" | sed 's/.*"session":"\([^"]*\)".*/\1/')
      # A candidate before the offer: the agent must hold it until the offer is out.
      printf '{"ev":"candidate","session":"%s","candidate":"candidate:1 1 udp 2122194687 10.77.2.1 40000 typ host","sdpMid":"0","sdpMLineIndex":0}\n' "$session"
      printf '{"ev":"offer","session":"%s","sdp":"v=0\\r\\ns=fake\\r\\n"}\n' "$session" ;;
    *'"op":"answer"'*)
      answers=$((answers + 1))
      if [ "$answers" -gt 1 ]; then
        printf '{"ev":"error","session":"%s","message":"Called in wrong state: stable"}\n' "$session"
        printf '{"ev":"ended","session":"%s","reason":"media-failed"}\n' "$session"
        exit 0
      fi
      if [ "$FAKE_WORKER_NO_CONNECT" != "1" ]; then
        printf '{"ev":"state","session":"%s","state":"connected"}\n' "$session"
      fi ;;
    *'"op":"stats"'*)
      printf '{"ev":"stats","session":"%s","audioInPeakRms":1234}\n' "$session" ;;
    *'"op":"hangup"'*)
      printf '{"ev":"ended","session":"%s","reason":"normal"}\n' "$session"
      exit 0 ;;
    *'"op":"exit"'*)
      exit 0 ;;
  esac
done
