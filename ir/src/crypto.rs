//! The cryptographic extension (AES, SHA1, SHA256, SHA512, SHA3, PMULL) on 128-bit values, as
//! the Arm ARM's pseudocode defines each instruction. Byte `i` of a value is bits `8i+7:8i`;
//! 32-bit element `e` is bits `32e+31:32e`.

use std::sync::OnceLock;

/// Multiplication in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1.
fn gmul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        let hi = a & 0x80;
        a <<= 1;
        if hi != 0 {
            a ^= 0x1b;
        }
        b >>= 1;
    }
    p
}

/// The AES S-box and its inverse, computed from the field inverse and the affine transform.
fn sboxes() -> &'static ([u8; 256], [u8; 256]) {
    static S: OnceLock<([u8; 256], [u8; 256])> = OnceLock::new();
    S.get_or_init(|| {
        let mut fwd = [0u8; 256];
        let mut inv = [0u8; 256];
        for (x, f) in fwd.iter_mut().enumerate() {
            // x^254 is the multiplicative inverse (0 maps to 0)
            let mut r = 1u8;
            for _ in 0..254 {
                r = gmul(r, x as u8);
            }
            let i = if x == 0 { 0 } else { r };
            let s = i
                ^ i.rotate_left(1)
                ^ i.rotate_left(2)
                ^ i.rotate_left(3)
                ^ i.rotate_left(4)
                ^ 0x63;
            *f = s;
            inv[s as usize] = x as u8;
        }
        (fwd, inv)
    })
}

fn bytes(x: u128) -> [u8; 16] {
    x.to_le_bytes()
}

fn from_bytes(b: [u8; 16]) -> u128 {
    u128::from_le_bytes(b)
}

/// AESE: SubBytes(ShiftRows(d ^ n)).
pub fn aese(d: u128, n: u128) -> u128 {
    let s = bytes(d ^ n);
    let (sb, _) = sboxes();
    let mut o = [0u8; 16];
    for c in 0..4 {
        for r in 0..4 {
            o[r + 4 * c] = sb[s[r + 4 * ((c + r) % 4)] as usize];
        }
    }
    from_bytes(o)
}

/// AESD: InvSubBytes(InvShiftRows(d ^ n)).
pub fn aesd(d: u128, n: u128) -> u128 {
    let s = bytes(d ^ n);
    let (_, ib) = sboxes();
    let mut o = [0u8; 16];
    for c in 0..4 {
        for r in 0..4 {
            o[r + 4 * c] = ib[s[r + 4 * ((c + 4 - r) % 4)] as usize];
        }
    }
    from_bytes(o)
}

fn mix(x: u128, m: [u8; 4]) -> u128 {
    let s = bytes(x);
    let mut o = [0u8; 16];
    for c in 0..4 {
        for r in 0..4 {
            let mut v = 0u8;
            for k in 0..4 {
                v ^= gmul(m[(k + 4 - r) % 4], s[k + 4 * c]);
            }
            o[r + 4 * c] = v;
        }
    }
    from_bytes(o)
}

/// AESMC: MixColumns.
pub fn aesmc(n: u128) -> u128 {
    mix(n, [2, 3, 1, 1])
}

/// AESIMC: InvMixColumns.
pub fn aesimc(n: u128) -> u128 {
    mix(n, [14, 11, 13, 9])
}

fn w32(x: u128, e: u32) -> u32 {
    (x >> (32 * e)) as u32
}

fn set32(x: &mut u128, e: u32, v: u32) {
    *x = (*x & !(0xffff_ffffu128 << (32 * e))) | (v as u128) << (32 * e);
}

fn choose(x: u32, y: u32, z: u32) -> u32 {
    ((y ^ z) & x) ^ z
}
fn parity(x: u32, y: u32, z: u32) -> u32 {
    x ^ y ^ z
}
fn majority(x: u32, y: u32, z: u32) -> u32 {
    (x & y) | ((x | y) & z)
}

/// SHA1C/SHA1P/SHA1M: four rounds on hash (d = abcd, n = e in its low 32 bits, m = w+k).
pub fn sha1_hash(kind: u8, d: u128, n: u128, m: u128) -> u128 {
    let mut x = d;
    let mut y = n as u32;
    for e in 0..4 {
        let (b, c, dd) = (w32(x, 1), w32(x, 2), w32(x, 3));
        let t = match kind {
            0 => choose(b, c, dd),
            1 => parity(b, c, dd),
            _ => majority(b, c, dd),
        };
        y = y
            .wrapping_add(w32(x, 0).rotate_left(5))
            .wrapping_add(t)
            .wrapping_add(w32(m, e));
        set32(&mut x, 1, b.rotate_left(30));
        // <Y, X> = ROL(Y:X, 32)
        let top = w32(x, 3);
        x = (x << 32) | y as u128;
        y = top;
    }
    x
}

/// SHA1H: ROL(n<31:0>, 30).
pub fn sha1h(n: u128) -> u128 {
    (n as u32).rotate_left(30) as u128
}

/// SHA1SU0.
pub fn sha1su0(d: u128, n: u128, m: u128) -> u128 {
    let r = ((n as u64 as u128) << 64) | (d >> 64);
    r ^ d ^ m
}

/// SHA1SU1.
pub fn sha1su1(d: u128, n: u128) -> u128 {
    let t = d ^ (n >> 32);
    let mut r = 0u128;
    set32(&mut r, 0, w32(t, 0).rotate_left(1));
    set32(&mut r, 1, w32(t, 1).rotate_left(1));
    set32(&mut r, 2, w32(t, 2).rotate_left(1));
    set32(
        &mut r,
        3,
        w32(t, 3).rotate_left(1) ^ w32(t, 0).rotate_left(2),
    );
    r
}

fn sigma0(x: u32) -> u32 {
    x.rotate_right(2) ^ x.rotate_right(13) ^ x.rotate_right(22)
}
fn sigma1(x: u32) -> u32 {
    x.rotate_right(6) ^ x.rotate_right(11) ^ x.rotate_right(25)
}

fn sha256_hash(mut x: u128, mut y: u128, w: u128, part1: bool) -> u128 {
    for e in 0..4 {
        let chs = choose(w32(y, 0), w32(y, 1), w32(y, 2));
        let maj = majority(w32(x, 0), w32(x, 1), w32(x, 2));
        let t = w32(y, 3)
            .wrapping_add(sigma1(w32(y, 0)))
            .wrapping_add(chs)
            .wrapping_add(w32(w, e));
        let x3 = t.wrapping_add(w32(x, 3));
        set32(&mut x, 3, x3);
        let y3 = t.wrapping_add(sigma0(w32(x, 0))).wrapping_add(maj);
        set32(&mut y, 3, y3);
        // <Y, X> = ROL(Y:X, 32)
        let (nx, ny) = ((x << 32) | (y >> 96), (y << 32) | (x >> 96));
        x = nx;
        y = ny;
    }
    if part1 {
        x
    } else {
        y
    }
}

/// SHA256H (d = abcd, n = efgh, m = w+k).
pub fn sha256h(d: u128, n: u128, m: u128) -> u128 {
    sha256_hash(d, n, m, true)
}

/// SHA256H2 (d = efgh, n = abcd, m = w+k).
pub fn sha256h2(d: u128, n: u128, m: u128) -> u128 {
    sha256_hash(n, d, m, false)
}

/// SHA256SU0.
pub fn sha256su0(d: u128, n: u128) -> u128 {
    let t = ((n as u32 as u128) << 96) | (d >> 32);
    let mut r = 0u128;
    for e in 0..4 {
        let x = w32(t, e);
        let s = x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3);
        set32(&mut r, e, s.wrapping_add(w32(d, e)));
    }
    r
}

/// SHA256SU1.
pub fn sha256su1(d: u128, n: u128, m: u128) -> u128 {
    let t0 = ((m as u32 as u128) << 96) | (n >> 32);
    let mut t1 = (m >> 64) as u64;
    let mut r = 0u128;
    for e in 0..4u32 {
        if e == 2 {
            t1 = r as u64;
        }
        let x = (t1 >> (32 * (e % 2))) as u32;
        let s = x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10);
        set32(
            &mut r,
            e,
            s.wrapping_add(w32(d, e)).wrapping_add(w32(t0, e)),
        );
    }
    r
}

fn lo(x: u128) -> u64 {
    x as u64
}
fn hi(x: u128) -> u64 {
    (x >> 64) as u64
}
fn pair(h: u64, l: u64) -> u128 {
    (h as u128) << 64 | l as u128
}

/// SHA512H (d = W, n = X, m = Y).
pub fn sha512h(d: u128, n: u128, m: u128) -> u128 {
    let (x, y, w) = (n, m, d);
    let s1 = |v: u64| v.rotate_right(14) ^ v.rotate_right(18) ^ v.rotate_right(41);
    let mut vhi = (hi(y) & lo(x)) ^ (!hi(y) & hi(x));
    vhi = vhi.wrapping_add(s1(hi(y))).wrapping_add(hi(w));
    let tmp = vhi.wrapping_add(lo(y));
    let mut vlo = (tmp & hi(y)) ^ (!tmp & lo(x));
    vlo = vlo.wrapping_add(s1(tmp)).wrapping_add(lo(w));
    pair(vhi, vlo)
}

/// SHA512H2 (d = W, n = X, m = Y).
pub fn sha512h2(d: u128, n: u128, m: u128) -> u128 {
    let (x, y, w) = (n, m, d);
    let s0 = |v: u64| v.rotate_right(28) ^ v.rotate_right(34) ^ v.rotate_right(39);
    let mut vhi = (lo(x) & hi(y)) ^ (lo(x) & lo(y)) ^ (hi(y) & lo(y));
    vhi = vhi.wrapping_add(s0(lo(y))).wrapping_add(hi(w));
    let mut vlo = (vhi & lo(y)) ^ (vhi & hi(y)) ^ (hi(y) & lo(y));
    vlo = vlo.wrapping_add(s0(vhi)).wrapping_add(lo(w));
    pair(vhi, vlo)
}

/// SHA512SU0 (d = W, n = X).
pub fn sha512su0(d: u128, n: u128) -> u128 {
    let s0 = |v: u64| v.rotate_right(1) ^ v.rotate_right(8) ^ (v >> 7);
    let vlo = lo(d).wrapping_add(s0(hi(d)));
    let vhi = hi(d).wrapping_add(s0(lo(n)));
    pair(vhi, vlo)
}

/// SHA512SU1 (d = W, n = X, m = Y).
pub fn sha512su1(d: u128, n: u128, m: u128) -> u128 {
    let s1 = |v: u64| v.rotate_right(19) ^ v.rotate_right(61) ^ (v >> 6);
    let vhi = hi(d).wrapping_add(s1(hi(n))).wrapping_add(hi(m));
    let vlo = lo(d).wrapping_add(s1(lo(n))).wrapping_add(lo(m));
    pair(vhi, vlo)
}

/// RAX1: n ^ ROL(m, 1) per 64-bit lane.
pub fn rax1(n: u128, m: u128) -> u128 {
    pair(hi(n) ^ hi(m).rotate_left(1), lo(n) ^ lo(m).rotate_left(1))
}

/// XAR: ROR(n ^ m, imm) per 64-bit lane.
pub fn xar(n: u128, m: u128, imm: u32) -> u128 {
    let x = n ^ m;
    pair(hi(x).rotate_right(imm), lo(x).rotate_right(imm))
}

/// Carry-less product of two `bits`-wide values.
fn clmul(a: u64, b: u64, bits: u32) -> u128 {
    let mut r = 0u128;
    for i in 0..bits {
        if b >> i & 1 != 0 {
            r ^= (a as u128) << i;
        }
    }
    r
}

/// PMULL/PMULL2: polynomial multiply long of the low (`upper` = false) or high halves, 8-bit
/// elements to 16-bit results or one 64-bit element to a 128-bit result.
pub fn pmull(n: u128, m: u128, esize: u32, upper: bool) -> u128 {
    let (a, b) = if upper {
        (hi(n), hi(m))
    } else {
        (lo(n), lo(m))
    };
    if esize == 64 {
        return clmul(a, b, 64);
    }
    let mut r = 0u128;
    for i in 0..8 {
        let p = clmul((a >> (8 * i)) & 0xff, (b >> (8 * i)) & 0xff, 8);
        r |= p << (16 * i);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sbox_has_the_published_corner_values() {
        let (s, i) = sboxes();
        assert_eq!(s[0x00], 0x63);
        assert_eq!(s[0x53], 0xed);
        assert_eq!(i[0x63], 0x00);
    }

    #[test]
    fn aes_round_trips() {
        let x = 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffu128;
        assert_eq!(aesimc(aesmc(x)), x);
        assert_eq!(aesd(aese(x, 0), 0), {
            // AESD undoes SubBytes and ShiftRows of AESE
            x
        });
    }

    #[test]
    fn pmull_64() {
        assert_eq!(pmull(3, 3, 64, false), 5);
        assert_eq!(pmull(1 << 63, 2, 64, false), 1 << 64);
    }
}
