"""peers: what the Python integration tests share to talk to a running shanshui — the HJ 212
CRC and framing (written independently of the C++ code) and a free loopback port."""
import socket


def crc(data: bytes) -> str:
    """HJ 212-2017 Annex A: CRC-16 with polynomial 0xA001 over the data segment, 4 hex digits."""
    reg = 0xFFFF
    for b in data:
        reg = (reg >> 8) ^ b
        for _ in range(8):
            lsb = reg & 1
            reg >>= 1
            if lsb:
                reg ^= 0xA001
    return f"{reg:04X}"


def frame(seg: str, bad_crc=False) -> bytes:
    """"##" + 4-digit byte length + data segment + CRC + CR LF; a wrong CRC when asked."""
    b = seg.encode()
    c = crc(b)
    if bad_crc:
        c = "0000" if c != "0000" else "1111"
    return f"##{len(b):04d}{seg}{c}\r\n".encode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p
