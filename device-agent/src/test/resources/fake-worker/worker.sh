#!/bin/sh
# A stand-in media worker speaking the worker channel (media-pipeline/README.md, WorkerChannel),
# for CallControllerTest. With FAKE_WORKER_NO_CONNECT=1 it never reports a connection. With
# FAKE_WORKER_RESTART=1 its path breaks right after it connects and it restarts ICE with a new
# offer (as CallSession does), connecting again once that offer is answered. Like libwebrtc, an
# answer with no offer awaiting it fails the call ("Called in wrong state: stable"). Several
# sessions (owners joining the call) each get their own offer and end on their own; the worker
# exits when the last one ends. A snapshot request gets a tiny JPEG at once.
printf '{"ev":"ready","pid":%s,"warmupMs":1,"speakerMs":0}\n' "$$"
session=""
sessions=0
offers=0
answers=0
of() {
  printf '%s' "$1" | sed 's/.*"session":"\([^"]*\)".*/\1/'
}
offer() {
  offers=$((offers + 1))
  printf '{"ev":"offer","session":"%s","sdp":"v=0\\r\\ns=fake offer %s\\r\\n"}\n' "$session" "$offers"
}
while IFS= read -r line; do
  case "$line" in
    *'"op":"call"'*)
      session=$(of "$line")
      sessions=$((sessions + 1))
      # A candidate before the offer: the agent must hold it until the offer is out.
      printf '{"ev":"candidate","session":"%s","candidate":"candidate:1 1 udp 2122194687 10.77.2.1 40000 typ host","sdpMid":"0","sdpMLineIndex":0}\n' "$session"
      offer ;;
    *'"op":"answer"'*)
      session=$(of "$line")
      answers=$((answers + 1))
      if [ "$answers" -gt "$offers" ]; then
        printf '{"ev":"error","session":"%s","message":"Called in wrong state: stable"}\n' "$session"
        printf '{"ev":"ended","session":"%s","reason":"media-failed"}\n' "$session"
        exit 0
      fi
      if [ "$FAKE_WORKER_NO_CONNECT" != "1" ]; then
        printf '{"ev":"state","session":"%s","state":"connected"}\n' "$session"
        if [ "$FAKE_WORKER_RESTART" = "1" ] && [ "$offers" -eq 1 ]; then
          printf '{"ev":"state","session":"%s","state":"disconnected"}\n' "$session"
          offer
        fi
      fi ;;
    *'"op":"stats"'*)
      session=$(of "$line")
      printf '{"ev":"stats","session":"%s","figures":{"audioInPeakRms":1234,"offers":%s}}\n' "$session" "$offers" ;;
    *'"op":"hangup"'*)
      printf '{"ev":"ended","session":"%s","reason":"normal"}\n' "$(of "$line")"
      sessions=$((sessions - 1))
      if [ "$sessions" -le 0 ]; then exit 0; fi ;;
    *'"op":"snapshot"'*)
      ring=$(printf '%s' "$line" | sed 's/.*"ringId":"\([^"]*\)".*/\1/')
      printf '{"ev":"snapshot","ringId":"%s","picture":{"width":2,"height":2,"jpeg":"/9gBAgP/2Q=="},"cameraMs":1,"encodeMs":1}\n' "$ring" ;;
    *'"op":"exit"'*)
      exit 0 ;;
  esac
done
