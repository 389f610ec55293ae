#!/usr/bin/env python3
# vnc_resize.py - ask the test VM's virtio-gpu for another display size, as
# a VNC viewer does when its window is resized (tests/vm/vmlib.sh serves it
# to the guest through guest-ctl.sh: vnc-resize W H).
#
# Usage: tests/vm/vnc_resize.py SOCKET W H [W H ...]
# Several sizes go one after the other, STORM_GAP_S apart (a storm of
# display events: the guest must end at the last one).
# QEMU's VNC server (-vnc unix:SOCKET,display=vgpu) takes the RFB
# SetDesktopSize message (RFB's ExtendedDesktopSize extension) and hands the
# size to the display device (dpy_set_ui_info); virtio-gpu then offers it as
# scanout 0's mode and raises VIRTIO_GPU_EVENT_DISPLAY in the guest, the
# event a resized viewer window sends a VM's display driver.
import socket
import struct
import sys
import time

RFB_VERSION = b"RFB 003.008\n"
SECURITY_NONE = 1
ENC_RAW = 0
ENC_EXTENDED_DESKTOP_SIZE = -308
MSG_SET_ENCODINGS = 2
MSG_SET_DESKTOP_SIZE = 251
STORM_GAP_S = 0.02


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise RuntimeError("the VNC server closed the connection")
        data += chunk
    return data


def handshake(sock):
    """RFB 3.8 without authentication, up to ServerInit; the server's size."""
    if not recv_exact(sock, 12).startswith(b"RFB 003."):
        raise RuntimeError("not a VNC server")
    sock.sendall(RFB_VERSION)
    types = recv_exact(sock, recv_exact(sock, 1)[0])
    if SECURITY_NONE not in types:
        raise RuntimeError("the VNC server wants authentication (types %s)" % list(types))
    sock.sendall(bytes([SECURITY_NONE]))
    if struct.unpack(">I", recv_exact(sock, 4))[0] != 0:
        raise RuntimeError("the VNC server refused the connection")
    sock.sendall(b"\x01")  # ClientInit: shared
    w, h = struct.unpack(">HH", recv_exact(sock, 4))
    recv_exact(sock, 16)  # pixel format
    recv_exact(sock, struct.unpack(">I", recv_exact(sock, 4))[0])  # name
    return w, h


def set_encodings(sock):
    sock.sendall(struct.pack(">BBHii", MSG_SET_ENCODINGS, 0, 2, ENC_RAW,
                             ENC_EXTENDED_DESKTOP_SIZE))


def set_desktop_size(sock, w, h):
    # One screen covering the desktop: id, x, y, width, height, flags.
    sock.sendall(struct.pack(">BBHHBB", MSG_SET_DESKTOP_SIZE, 0, w, h, 1, 0) +
                 struct.pack(">IHHHHI", 0, 0, 0, w, h, 0))


def main():
    args = sys.argv[2:]
    if len(sys.argv) < 4 or len(args) % 2:
        print("usage: vnc_resize.py SOCKET W H [W H ...]", file=sys.stderr)
        return 2
    sizes = [(int(args[i]), int(args[i + 1])) for i in range(0, len(args), 2)]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    try:
        sock.connect(sys.argv[1])
        before = handshake(sock)
        set_encodings(sock)
        for i, (w, h) in enumerate(sizes):
            if i:
                time.sleep(STORM_GAP_S)
            set_desktop_size(sock, w, h)
        time.sleep(0.5)  # let QEMU take the messages before the connection goes
    except (OSError, RuntimeError) as e:
        print("vnc: resize: %s" % e, file=sys.stderr)
        return 1
    finally:
        sock.close()
    print("asked for %s (the VNC desktop was %dx%d)" %
          (", ".join("%dx%d" % s for s in sizes), before[0], before[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
