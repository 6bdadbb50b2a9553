//! The cluster's one source of randomness: a seeded SplitMix64 generator.
//! The same seed gives the same names, IPs and load-balancing picks everywhere.

/// A deterministic pseudo-random generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

/// The alphabet of generated name suffixes (apiserver `SimpleNameGenerator`):
/// no vowels, no 0, 1 or 3.
pub const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        // Lemire's multiply-shift; the tiny bias is irrelevant here.
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// `n` characters from [`NAME_ALPHABET`], as generateName appends.
    pub fn name_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(NAME_ALPHABET[self.below(NAME_ALPHABET.len() as u64) as usize]))
            .collect()
    }

    /// A random (version 4) UUID in its usual text form.
    pub fn uuid(&mut self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x4000;
        let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let mut uuid = String::with_capacity(36);
        push_hex(&mut uuid, hi >> 32, 8);
        uuid.push('-');
        push_hex(&mut uuid, (hi >> 16) & 0xffff, 4);
        uuid.push('-');
        push_hex(&mut uuid, hi & 0xffff, 4);
        uuid.push('-');
        push_hex(&mut uuid, lo >> 48, 4);
        uuid.push('-');
        push_hex(&mut uuid, lo & 0xffff_ffff_ffff, 12);
        uuid
    }
}

/// Appends the low `digits` hex digits of `value`, zero-padded, in lower case.
fn push_hex(out: &mut String, value: u64, digits: u32) {
    for shift in (0..digits).rev() {
        let nibble = (value >> (shift * 4)) & 0xf;
        out.push(char::from_digit(nibble as u32, 16).unwrap_or('0'));
    }
}

/// A stable 64-hex-digit ID derived from `seed` (FNV-1a from `basis`, then
/// an LCG): container and exec IDs that look random but never change.
pub fn stable_hex_id(basis: u64, seed: &str) -> String {
    let mut state = seed.bytes().fold(basis, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (0..4)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            format!("{state:016x}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.name_suffix(5), b.name_suffix(5));
        assert_eq!(a.uuid(), b.uuid());
        assert_ne!(Rng::new(8).next_u64(), Rng::new(7).next_u64());
    }

    #[test]
    fn suffixes_use_the_apiserver_alphabet_and_uuids_are_version_4() {
        let mut rng = Rng::new(1);
        let suffix = rng.name_suffix(1000);
        assert!(suffix.bytes().all(|c| NAME_ALPHABET.contains(&c)));
        let uuid = rng.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{uuid}");
    }

    #[test]
    fn uuids_are_the_two_draws_in_hex_groups_of_8_4_4_4_12() {
        let mut rng = Rng::new(42);
        let mut draws = rng.clone();
        let (hi, lo) = (draws.next_u64(), draws.next_u64());
        let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x4000;
        let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        let expected = format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xffff,
            hi & 0xffff,
            lo >> 48,
            lo & 0xffff_ffff_ffff
        );
        assert_eq!(rng.uuid(), expected);
        assert_eq!(rng, draws);
    }
}
