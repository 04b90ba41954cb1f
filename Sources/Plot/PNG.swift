import Foundation

/// A minimal PNG encoder (ISO/IEC 15948) for palette images: IHDR, PLTE, one IDAT and IEND.
/// The image data is a zlib stream of stored (uncompressed) deflate blocks; a palette image is
/// small enough that compression would not pay for its code.
enum PNG {
    /// An 8-bit palette image; `rows` top to bottom, each index into `palette` (≤ 256 colours).
    static func indexed(_ rows: [[UInt8]], palette: [Color]) -> Data {
        precondition(palette.count <= 256 && !rows.isEmpty)
        let width = rows[0].count, height = rows.count
        var out = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.append(bigEndian: UInt32(width))
        header.append(bigEndian: UInt32(height))
        header.append(contentsOf: [8, 3, 0, 0, 0])  // depth 8, colour type 3 (palette), deflate, filter 0, no interlace
        chunk("IHDR", header, into: &out)
        var plte = Data()
        for c in palette {
            plte.append(contentsOf: [c.r, c.g, c.b].map { UInt8((min(max($0, 0), 1) * 255).rounded()) })
        }
        chunk("PLTE", plte, into: &out)
        var raw = Data()
        for row in rows {
            raw.append(0)  // filter type 0 (none) per scanline
            raw.append(contentsOf: row)
        }
        chunk("IDAT", zlibStored(raw), into: &out)
        chunk("IEND", Data(), into: &out)
        return out
    }

    static func chunk(_ type: String, _ data: Data, into out: inout Data) {
        out.append(bigEndian: UInt32(data.count))
        let body = Data(type.utf8) + data
        out.append(body)
        out.append(bigEndian: crc32(body))
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, BTYPE 00).
    static func zlibStored(_ data: Data) -> Data {
        var out = Data([0x78, 0x01])
        let bytes = [UInt8](data)
        var offset = 0
        repeat {
            let count = min(65535, bytes.count - offset)
            let final = offset + count == bytes.count
            out.append(final ? 1 : 0)
            out.append(contentsOf: [UInt8(count & 0xff), UInt8(count >> 8), UInt8(~count & 0xff), UInt8((~count >> 8) & 0xff)])
            out.append(contentsOf: bytes[offset..<(offset + count)])
            offset += count
        } while offset < bytes.count
        out.append(bigEndian: adler32(bytes))
        return out
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = crcTable[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}

extension Data {
    mutating func append(bigEndian v: UInt32) {
        append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)])
    }
}
