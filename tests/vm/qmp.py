#!/usr/bin/env python3
# qmp.py - one QMP command to the test VM's QEMU (tests/vm/vmlib.sh serves it
# to the guest through guest-ctl.sh).
#
# Usage: tests/vm/qmp.py SOCKET screendump DEVICE FILE.png
# Takes a picture of the display device with QOM id DEVICE (head 0) from
# outside the guest: what the device scans out, whatever the guest's driver.
import json
import socket
import sys


def command(sock, f, execute, arguments=None):
    msg = {"execute": execute}
    if arguments:
        msg["arguments"] = arguments
    sock.sendall(json.dumps(msg).encode() + b"\n")
    while True:
        reply = json.loads(f.readline())
        if "return" in reply:
            return reply["return"]
        if "error" in reply:
            raise RuntimeError(reply["error"].get("desc", str(reply["error"])))
        # an asynchronous event: keep reading


def main():
    if len(sys.argv) != 5 or sys.argv[2] != "screendump":
        print("usage: qmp.py SOCKET screendump DEVICE FILE.png", file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect(sys.argv[1])
    f = sock.makefile("r")
    json.loads(f.readline())  # the greeting
    try:
        command(sock, f, "qmp_capabilities")
        command(sock, f, "screendump", {"filename": sys.argv[4], "device": sys.argv[3],
                                        "head": 0, "format": "png"})
    except RuntimeError as e:
        print("qmp: screendump of %s: %s" % (sys.argv[3], e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
