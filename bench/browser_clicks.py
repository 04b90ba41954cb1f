"""Times clicks on the live page in a real browser, for `make bench`: headless Chromium opens
`URL#clicktimes` (the page clicks two-valley's landscape with gd, sam and gam ticked, half a
second apart, and times each click to its drawn paths in real time), driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ending in a NUL byte on file descriptors 3 and 4), with
Python's standard library only. Prints `clicks MS MS ...` (click to drawn paths) and `answered
MS MS ...` (click to the answer's last byte), or `skipped: REASON`.

Usage: python3 browser_clicks.py http://127.0.0.1:PORT/
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

url = sys.argv[1] + "#clicktimes"
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if not chromium:
    print("skipped: Chromium is not installed (make deps installs it)")
    sys.exit(0)
to_browser_r, to_browser_w = os.pipe()
from_browser_r, from_browser_w = os.pipe()


def child_fds():
    os.dup2(to_browser_r, 3)
    os.dup2(from_browser_w, 4)


profile = tempfile.mkdtemp(prefix="flatlab-bench-chromium-")
browser = subprocess.Popen(
    [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", f"--user-data-dir={profile}", "--window-size=1000,760"],
    pass_fds=(3, 4, to_browser_r, from_browser_w), preexec_fn=child_fds, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_browser_r)
os.close(from_browser_w)
pending = b""
next_id = 0


def call(method, params=None, session=None):
    """Sends one command and returns its result (events in between are skipped)."""
    global next_id, pending
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    os.write(to_browser_w, json.dumps(message).encode() + b"\0")
    while True:
        while b"\0" not in pending:
            chunk = os.read(from_browser_r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its pipe")
            pending += chunk
        raw, pending = pending.split(b"\0", 1)
        answer = json.loads(raw)
        if answer.get("id") == next_id:
            if "error" in answer:
                raise RuntimeError(f"{method}: {answer['error']}")
            return answer["result"]


try:
    target = call("Target.createTarget", {"url": url})["targetId"]
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.25)
        text = call("Runtime.evaluate", {"expression": "document.getElementById('test-result')?.textContent || ''", "returnByValue": True},
                    session)["result"].get("value", "")
        if text:
            result = json.loads(text)
            print("clicks " + " ".join(f"{ms:.1f}" for ms in result["ms"]))
            print("answered " + " ".join(f"{ms:.1f}" for ms in result.get("answered", []) if ms is not None))
            break
    else:
        print("skipped: the page did not finish its clicks in 120 s")
finally:
    browser.kill()
    browser.wait()
    shutil.rmtree(profile, ignore_errors=True)
