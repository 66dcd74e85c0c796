#!/usr/bin/env python3
"""A minimal OSC client for tests that must run as another local user (setpriv), where the JVM's class path is
out of reach. Standard library only.

  osc_probe.py talk udp|tcp PORT JSON [FROM]
                                        send each message of JSON (a list of [address, [tag, value], ...]) and print
                                        the first reply to each as a JSON line (null when none came in 2 s); UDP
                                        from local port FROM if given
  osc_probe.py hold PORT N SECONDS      open N TCP connections, send nothing, print how many connected, then after
                                        SECONDS how many the server has closed
"""
import json
import socket
import struct
import sys
import time

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD


def pad(b):
    return b + b"\0" * (4 - len(b) % 4)


def encode(message):
    address, args = message[0], message[1:]
    tags, data = ",", b""
    for tag, value in args:
        tags += tag
        if tag == "i":
            data += struct.pack(">i", value)
        elif tag == "f":
            data += struct.pack(">f", value)
        else:
            data += pad(value.encode())
    return pad(address.encode()) + pad(tags.encode()) + data


def read_string(b, i):
    end = b.index(b"\0", i)
    return b[i:end].decode(errors="replace"), (end // 4 + 1) * 4


def decode(b):
    if b.startswith(b"#bundle"):
        size = struct.unpack(">i", b[16:20])[0]
        return decode(b[20:20 + size])
    address, i = read_string(b, 0)
    tags, i = read_string(b, i)
    out = [address]
    for t in tags[1:]:
        if t == "i":
            out.append(struct.unpack(">i", b[i:i + 4])[0]); i += 4
        elif t == "f":
            out.append(round(struct.unpack(">f", b[i:i + 4])[0], 4)); i += 4
        elif t == "s":
            s, i = read_string(b, i); out.append(s)
        else:
            out.append(None)
    return out


def slip(b):
    out = bytearray([END])
    for c in b:
        out += bytes([ESC, ESC_END]) if c == END else bytes([ESC, ESC_ESC]) if c == ESC else bytes([c])
    out.append(END)
    return bytes(out)


def tcp_frames(sock, buffer):
    """Yields decoded SLIP frames as they arrive; stops on timeout or close."""
    frame = bytearray()
    escaped = False
    while True:
        while buffer:
            c = buffer.pop(0)
            if c == END:
                if frame:
                    yield bytes(frame)
                    frame = bytearray()
            elif escaped:
                frame.append(END if c == ESC_END else ESC)
                escaped = False
            elif c == ESC:
                escaped = True
            else:
                frame.append(c)
        data = sock.recv(65536)
        if not data:
            return
        buffer.extend(data)


def talk(proto, port, messages, source_port=0):
    if proto == "udp":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", source_port))
    else:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.settimeout(2)
    pending = bytearray()
    for m in messages:
        packet = encode(m)
        if proto == "udp":
            sock.sendto(packet, ("127.0.0.1", port))
        else:
            sock.sendall(slip(packet))
        reply = None
        try:
            if proto == "udp":
                reply = decode(sock.recv(65536))
            else:
                reply = decode(next(tcp_frames(sock, pending)))
        except (socket.timeout, StopIteration):
            pass
        print(json.dumps(reply), flush=True)


def hold(port, n, seconds):
    socks = []
    for _ in range(n):
        try:
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            break
    print(json.dumps(len(socks)), flush=True)
    time.sleep(seconds)
    closed = 0
    for s in socks:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print(json.dumps(closed), flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "talk":
        talk(sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5]) if len(sys.argv) > 5 else 0)
    else:
        hold(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
