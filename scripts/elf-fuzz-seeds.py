#!/usr/bin/env python3
"""Writes the seeds of the binary-parser fuzz targets (ElfFuzzTest) from real binaries on this
machine, cut down to the bytes each parser reads so that the committed seeds stay small:
  elfFile         libssl.so.3 with only its symbol, string, dynamic and note sections (objcopy)
  pclntab         each Go build's function table reduced to crypto/tls.(*Conn).Read and Write and
                  the functions after them (their extents), names and _func records copied
  dwarf           the abbreviation table and the DIEs of the six structs GoDwarf reads, in one unit
  goBuildInfo     .go.buildinfo with its load address; for Go 1.15 (pointers to string headers) the
                  strings it points to are moved behind it and the pointers rewritten
  openSslVersion  2 KiB of .rodata around each OpenSSL build's version banner
Input formats: see ElfFuzzTest. Go builds: go-tls-pair with each toolchain (scripts/go-toolchains.sh)
and /usr/local/bin/docker; OpenSSL builds: Debian's, and those scripts/openssl-libs.sh and
scripts/node-binaries.sh put in the cache.
Usage: scripts/elf-fuzz-seeds.py   (from the repository root, after a test run filled the caches)"""
import os, pathlib, re, struct, subprocess, tempfile, zlib

root = pathlib.Path("src/test/resources/io/tlsscope/elf/fuzz/ElfFuzzTestInputs")
cache = pathlib.Path(os.environ.get("TLSSCOPE_CACHE", pathlib.Path.home() / ".cache/tlsscope"))
WANTED = {"crypto/tls.Conn": "conn", "runtime.iface": "data", "net.TCPConn": "conn", "net.conn": "fd",
          "net.netFD": "pfd", "internal/poll.FD": "Sysfd"}
TLS = [b"crypto/tls.(*Conn).Read", b"crypto/tls.(*Conn).Write"]


def write(target, name, data):
    directory = root / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)
    print(f"{target}/{name}: {len(data)} bytes")


class Elf:
    def __init__(self, path):
        self.data = pathlib.Path(path).read_bytes()
        d = self.data
        phoff, shoff = struct.unpack_from("<QQ", d, 32)
        phnum, shnum, shstrndx = struct.unpack_from("<H", d, 56)[0], *struct.unpack_from("<HH", d, 60)
        self.segments = [struct.unpack_from("<IIQQQQQQ", d, phoff + 56 * i) for i in range(phnum)]
        headers = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + 64 * i) for i in range(shnum)]
        names = headers[shstrndx]
        self.sections = {}
        for h in headers:
            start = names[4] + h[0]
            name = d[start:d.index(b"\0", start)].decode()
            self.sections.setdefault(name, h)

    def raw(self, name):
        h = self.sections[name]
        return self.data[h[4]:h[4] + h[5]]

    def address(self, name):
        return self.sections[name][3]

    def debug(self, name):
        if ".debug_" + name in self.sections:
            h = self.sections[".debug_" + name]
            data = self.raw(".debug_" + name)
            return zlib.decompress(data[24:]) if h[2] & 0x800 else data
        if ".zdebug_" + name in self.sections:
            return zlib.decompress(self.raw(".zdebug_" + name)[12:])
        return None

    def at(self, address, length):
        for p_type, _, offset, vaddr, _, filesz, _, _ in self.segments:
            if p_type == 1 and vaddr <= address < vaddr + filesz:
                return self.data[offset + address - vaddr:offset + address - vaddr + length]
        raise ValueError(hex(address))


def go_builds(work):
    builds = {}
    toolchains = [("1.19", "/usr/lib/go-1.19/bin/go", None)]
    listing = subprocess.run(["scripts/go-toolchains.sh", "fetch"], check=True, capture_output=True, text=True).stdout
    for line in listing.split("\n"):
        if line.strip():
            name, _, goroot = line.split(" ")
            toolchains.append((name[len("go-"):], goroot + "/bin/go", goroot))
    for version, go, goroot in toolchains:
        output = work / f"go{version}"
        env = dict(os.environ, GOCACHE=str(cache / "go-build-cache" / version), GOPATH=str(work / "path"),
                   HOME=str(work), GOFLAGS="-mod=mod", CGO_ENABLED="0", GOTOOLCHAIN="local")
        if goroot:
            env["GOROOT"] = goroot
        subprocess.run([go, "build", "-o", str(output), "src/test/resources/fixtures/go-tls-pair/main.go"],
                       check=True, env=env)
        builds[f"go{version}"] = Elf(output)
    if os.path.isfile("/usr/local/bin/docker"):
        builds["docker"] = Elf("/usr/local/bin/docker")
    return builds


def pclntab_of(elf):
    if ".gopclntab" in elf.sections:
        return elf.raw(".gopclntab")
    data = elf.raw(".data.rel.ro")  # merged there by an external linker: found by its header
    text = elf.sections[".text"]
    for at in range(0, len(data) - 64, 8):
        magic, pad, quantum, pointer, nfunc = struct.unpack_from("<IHBBQ", data, at)
        if magic in (0xfffffff0, 0xfffffff1) and pad == 0 and quantum == 1 and pointer == 8 and 0 < nfunc < 10**7:
            if text[3] <= struct.unpack_from("<Q", data, at + 24)[0] < text[3] + text[5]:
                return data[at:]
    raise ValueError("no pclntab")


def reduce_pclntab(table):
    """The table with only the TLS functions and the functions after them, in its own format."""
    magic, nfunc = struct.unpack_from("<I", table)[0], struct.unpack_from("<Q", table, 8)[0]
    new = magic in (0xfffffff0, 0xfffffff1)
    if new:
        text_start, funcname, _, _, _, pcln = struct.unpack_from("<QQQQQQ", table, 24)
        entry = lambda i: struct.unpack_from("<II", table, pcln + 8 * i)
        func_at = lambda i: pcln + entry(i)[1]
        name_of = lambda i: funcname + struct.unpack_from("<i", table, func_at(i) + 4)[0]
    elif magic == 0xfffffffb:
        entry = lambda i: struct.unpack_from("<QQ", table, 16 + 16 * i)
        func_at = lambda i: entry(i)[1]
        name_of = lambda i: struct.unpack_from("<i", table, func_at(i) + 8)[0]
    else:
        raise ValueError(hex(magic))
    name = lambda i: table[name_of(i):table.index(b"\0", name_of(i))]
    keep = sorted({j for i in range(nfunc) if name(i) in TLS for j in (i, i + 1) if j < nfunc})
    names = b"\0" + b"".join(name(i) + b"\0" for i in keep)
    name_offsets = [names.index(b"\0" + name(i) + b"\0") + 1 for i in keep]
    func_size = 44 if new else 40  # the fixed part of _func, which is all the reader looks at
    funcs = b""
    if new:
        header = bytearray(table[:72])
        functab = 8 * (len(keep) + 1)
        struct.pack_into("<Q", header, 8, len(keep))
        struct.pack_into("<QQQQQQ", header, 24, text_start, 72, 72, 72, 72, 72 + len(names))
        body = b""
        for k, i in enumerate(keep):
            record = bytearray(table[func_at(i):func_at(i) + func_size])
            struct.pack_into("<i", record, 4, name_offsets[k])
            body += struct.pack("<II", entry(i)[0], functab + len(funcs))
            funcs += record
        body += struct.pack("<II", entry(keep[-1] + 1)[0], 0)
        return bytes(header) + names + body + funcs
    header = bytearray(table[:16])
    struct.pack_into("<Q", header, 8, len(keep))
    functab_end = 16 + 16 * len(keep) + 8 + 4
    names_at = functab_end
    funcs_at = names_at + len(names)
    body = b""
    for k, i in enumerate(keep):
        record = bytearray(table[func_at(i):func_at(i) + func_size])
        struct.pack_into("<i", record, 8, names_at + name_offsets[k])
        body += struct.pack("<QQ", entry(i)[0], funcs_at + len(funcs))
        funcs += record
    body += struct.pack("<QI", entry(keep[-1] + 1)[0], 0)
    return bytes(header) + body + names + funcs


def abbreviation_table(abbrev, offset):
    """The bytes of the abbreviation table at offset, through its terminating zero code."""
    def uleb(at):
        value = shift = 0
        while True:
            b = abbrev[at]
            at += 1
            value |= (b & 0x7f) << shift
            shift += 7
            if not b & 0x80:
                return value, at
    at = offset
    while True:
        code, at = uleb(at)
        if code == 0:
            return abbrev[offset:at]
        _, at = uleb(at)
        at += 1
        while True:
            name, at = uleb(at)
            form, at = uleb(at)
            if form == 0x21:
                _, at = uleb(at)  # implicit const, never with the sign bit set in Go's DWARF
            if name == 0 and form == 0:
                break


def dwarf_seed(path, elf):
    """One unit holding the DIEs (with their members) of the structs GoDwarf reads."""
    listing = subprocess.run(["readelf", "--debug-dump=info", "--dwarf-depth=2", str(path)],
                             check=True, capture_output=True, text=True).stdout
    dies, unit, units = [], None, {}
    for line in listing.split("\n"):
        unit_start = re.match(r"\s+Compilation Unit @ offset (0x[0-9a-f]+):", line)
        if unit_start:
            unit = int(unit_start.group(1), 16)
            units[unit] = {}
        field = re.match(r"\s+(Version|Abbrev Offset|Pointer Size):\s+(\S+)", line)
        if field and unit is not None:
            units[unit][field.group(1)] = int(field.group(2), 0)
        die = re.match(r"\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)", line)
        if die:
            dies.append([int(die.group(1)), int(die.group(2), 16), unit, None])
        name = re.match(r"\s+<[0-9a-f]+>\s+DW_AT_name\s+:\s+(?:\(indirect string, offset: 0x[0-9a-f]+\): )?(\S+)", line)
        if name and dies and dies[-1][3] is None:
            dies[-1][3] = name.group(1)
    info, abbrev = elf.debug("info"), elf.debug("abbrev")
    picked, header = [], None
    for index, (level, offset, unit, name) in enumerate(dies):
        if level == 1 and name in WANTED and name not in [p[0] for p in picked]:
            end = next(d[1] for d in dies[index + 1:] if d[0] <= 1)
            picked.append((name, info[offset:end]))
            header = units[unit]
    assert len(picked) == len(WANTED), [p[0] for p in picked]
    body = b"".join(p[1] for p in picked) + b"\0"
    if header["Version"] >= 5:
        unit_header = struct.pack("<HBBI", header["Version"], 1, 8, 0)
    else:
        unit_header = struct.pack("<HIB", header["Version"], 0, 8)
    table = abbreviation_table(abbrev, header["Abbrev Offset"])
    info_seed = struct.pack("<I", len(unit_header) + len(body)) + unit_header + body
    return struct.pack("<I", len(table)) + table + info_seed


def build_info_seed(elf):
    data = elf.raw(".go.buildinfo")
    address = elf.address(".go.buildinfo")
    if data[15] & 2:  # Go 1.18+: the strings follow inline
        return struct.pack("<Q", address) + data.rstrip(b"\0")
    # before 1.18: two pointers to Go string headers elsewhere; move both strings behind the header
    region = bytearray(data[:32])
    strings = []
    for pointer in struct.unpack_from("<QQ", data, 16):
        try:
            text_address, length = struct.unpack("<QQ", elf.at(pointer, 16))
            strings.append(elf.at(text_address, length))
        except ValueError:  # an empty string's header is in .bss (no module info without go.mod)
            strings.append(b"")
    headers_at = 32
    text_at = headers_at + 32
    for k, text in enumerate(strings):
        struct.pack_into("<Q", region, 16 + 8 * k, address + headers_at + 16 * k)
        region += struct.pack("<QQ", address + text_at, len(text))
        text_at += len(text)
    for text in strings:
        region += text
    return struct.pack("<Q", address) + bytes(region)


def openssl_builds():
    builds = {"debian-libcrypto3": "/usr/lib/x86_64-linux-gnu/libcrypto.so.3"}
    for path in sorted(cache.glob("openssl/*/usr/lib/*/libcrypto.so.*")) + sorted(cache.glob("node/*/bin/node")):
        if path.is_file() and not path.is_symlink():
            # openssl/openssl-3.5/usr/lib/x86_64-linux-gnu/libcrypto.so.3 -> openssl-3.5; node/18.20.8/bin/node -> node-18.20.8
            parts = path.relative_to(cache).parts
            builds[parts[1] if parts[0] == "openssl" else "node-" + parts[1]] = str(path)
    return builds


def main():
    with tempfile.TemporaryDirectory() as directory:
        cut = pathlib.Path(directory) / "libssl-cut"
        subprocess.run(["objcopy", "-j", ".dynsym", "-j", ".dynstr", "-j", ".dynamic", "-j", ".note.gnu.build-id",
                        "/usr/lib/x86_64-linux-gnu/libssl.so.3", str(cut)], check=True)
        write("elfFile", "libssl-symbols-dynamic-notes", cut.read_bytes())
        for name, elf in go_builds(pathlib.Path(directory)).items():
            write("pclntab", name, reduce_pclntab(pclntab_of(elf)))
            write("goBuildInfo", name, build_info_seed(elf))
            if elf.debug("info") is not None:
                write("dwarf", name, b"\0" + dwarf_seed(pathlib.Path(directory) / name if name != "docker"
                                                      else "/usr/local/bin/docker", elf))
    for name, path in openssl_builds().items():
        rodata = Elf(path).raw(".rodata")
        banner = re.search(rb"(?:OpenSSL|LibreSSL) \d+\.\d+\.\d+[^\0\n]{0,60}\0", rodata)
        if banner:
            start = max(0, banner.start() - 1024)
            write("openSslVersion", name, rodata[start:start + 2048])


main()
