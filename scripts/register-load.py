#!/usr/bin/env python3
"""Registration load for fault scripts: CONCURRENCY threads register new accounts (each one
mail) until STOP_FILE exists; the emails answered 201 are appended to REGISTERED. Prints the
answers by status, and the requests that failed on an open connection (in flight when the
server went away) apart from those refused because no server listened.

    python3 scripts/register-load.py BASE_URL CONCURRENCY REGISTERED STOP_FILE
"""
import collections
import http.client
import json
import os
import sys
import threading
import time
import uuid

base, concurrency, registered, stop_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
host, port = base.removeprefix("http://").split(":")
counts = collections.Counter()
lock = threading.Lock()


def worker():
    while not os.path.exists(stop_file):
        email = f"load-{uuid.uuid4().hex}@example.com"
        body = json.dumps({
            "email": email,
            "password": "correct-horse-battery",
            "display_name": "负载测试",
            "role": "solver",
            "organization": {"name": "东南理工大学", "uscc": "91350200776049653A", "kind": "university"},
        })
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            conn.request("POST", "/api/v1/auth/register", body, {"Content-Type": "application/json"})
            status = conn.getresponse().status
            key = str(status)
        except ConnectionRefusedError:
            key = "refused (no server)"
            time.sleep(0.05)
        except Exception as e:  # reset or closed while the request was in flight
            key = f"failed in flight ({type(e).__name__})"
        finally:
            conn.close()
        with lock:
            counts[key] += 1
            if key == "201":
                with open(registered, "a") as out:
                    out.write(email + "\n")


threads = [threading.Thread(target=worker) for _ in range(concurrency)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("load answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
