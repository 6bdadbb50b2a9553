//! Resource quantities as kubectl prints them: apimachinery's canonical
//! form (`0.5` → `500m`, `1024Mi` → `1Gi`, `1000` → `1k`), sums that keep
//! the first non-zero summand's format, and the integer views
//! (`MilliValue`, `Value`) describe divides for its percentages.

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Nano-units per unit: quantities are kept exactly at nano precision, as Go's are.
const NANO: i128 = 1_000_000_000;

/// How a quantity was written, which decides how it prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// `100m`, `2`, `1k`.
    #[default]
    DecimalSI,
    /// `128Mi`, `1Gi`.
    BinarySI,
    /// `1e3`.
    DecimalExponent,
}

/// A parsed quantity: an exact amount in nano-units and its format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amount {
    /// The amount in units of 10⁻⁹.
    pub nanos: i128,
    /// The format it prints in.
    pub format: Format,
}

impl Amount {
    /// Parses a quantity's text; None when it is not one (kubectl never sees such).
    pub fn parse(quantity: &Quantity) -> Option<Amount> {
        let text = quantity.0.trim();
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(number_end);
        let (scale, format) = suffix_scale(suffix)?;
        let nanos = decimal_nanos(number)?;
        let nanos = match scale {
            Scale::Pow10(exp) => shift10(nanos, exp)?,
            Scale::Pow1024(exp) => nanos.checked_mul(1024i128.checked_pow(exp)?)?,
        };
        Some(Amount { nanos, format })
    }

    /// Adds another amount; a zero amount takes the other's format, as Go's `Add`.
    pub fn add(&mut self, other: Amount) {
        if self.nanos == 0 {
            self.format = other.format;
        }
        self.nanos = self.nanos.saturating_add(other.nanos);
    }

    /// Go's `MilliValue`: thousandths, rounded up.
    pub fn milli_value(self) -> i128 {
        ceil_div(self.nanos, 1_000_000)
    }

    /// Go's `Value`: whole units, rounded up.
    pub fn value(self) -> i128 {
        ceil_div(self.nanos, NANO)
    }

    /// The canonical text, as Go's `Quantity.String()`.
    pub fn canonical(self) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let binary = self.format == Format::BinarySI
            && self.nanos.abs() >= 1024 * NANO
            && self.nanos % NANO == 0;
        if binary {
            let (mantissa, exponent) = remove_factors(self.nanos / NANO, 1024);
            return format!("{mantissa}{}", binary_suffix(exponent));
        }
        let (mut mantissa, mut exponent) = remove_factors(self.nanos, 10);
        exponent -= 9;
        match exponent.rem_euclid(3) {
            1 => {
                mantissa *= 10;
                exponent -= 1;
            }
            2 => {
                mantissa *= 100;
                exponent -= 2;
            }
            _ => {}
        }
        let suffix = match (self.format, decimal_suffix(exponent)) {
            (Format::DecimalExponent, _) | (_, None) => exponent_suffix(exponent),
            (_, Some(suffix)) => suffix.to_string(),
        };
        format!("{mantissa}{suffix}")
    }
}

/// A quantity's canonical text, or its own text when it does not parse.
pub fn canonical(quantity: &Quantity) -> String {
    Amount::parse(quantity)
        .map(Amount::canonical)
        .unwrap_or_else(|| quantity.0.clone())
}

enum Scale {
    Pow10(i32),
    Pow1024(u32),
}

fn suffix_scale(suffix: &str) -> Option<(Scale, Format)> {
    let binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    if let Some(i) = binary.iter().position(|s| *s == suffix) {
        return Some((Scale::Pow1024(i as u32 + 1), Format::BinarySI));
    }
    let decimal = match suffix {
        "n" => -9,
        "u" => -6,
        "m" => -3,
        "" => 0,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        "E" => 18,
        _ => {
            let exp = suffix.strip_prefix(['e', 'E'])?.parse::<i32>().ok()?;
            return Some((Scale::Pow10(exp), Format::DecimalExponent));
        }
    };
    Some((Scale::Pow10(decimal), Format::DecimalSI))
}

/// `1.5` → 1.5 × 10⁹ nano-units; digits past nano precision round up, as Go's parser does.
fn decimal_nanos(number: &str) -> Option<i128> {
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) || whole.len() + fraction.len() > 30 {
        return None;
    }
    let mut nanos = if whole.is_empty() {
        0
    } else {
        whole.parse::<i128>().ok()?.checked_mul(NANO)?
    };
    for (i, digit) in fraction.chars().enumerate() {
        let value = i128::from(digit.to_digit(10)? as u8);
        match 8usize.checked_sub(i) {
            Some(power) => nanos += value * 10i128.pow(power as u32),
            None if value > 0 => {
                nanos += 1;
                break;
            }
            None => {}
        }
    }
    Some(if negative { -nanos } else { nanos })
}

/// Multiplies by 10^exp, rounding up when exp is negative.
fn shift10(nanos: i128, exp: i32) -> Option<i128> {
    if exp >= 0 {
        nanos.checked_mul(10i128.checked_pow(exp as u32)?)
    } else {
        Some(ceil_div(nanos, 10i128.checked_pow(exp.unsigned_abs())?))
    }
}

fn ceil_div(value: i128, divisor: i128) -> i128 {
    let quotient = value.div_euclid(divisor);
    if value.rem_euclid(divisor) == 0 {
        quotient
    } else {
        quotient + 1
    }
}

/// Divides out `factor` while it divides evenly: (what is left, how many times).
fn remove_factors(mut value: i128, factor: i128) -> (i128, i32) {
    let mut times = 0;
    while value != 0 && value % factor == 0 {
        value /= factor;
        times += 1;
    }
    (value, times)
}

fn binary_suffix(exponent: i32) -> &'static str {
    match exponent {
        1 => "Ki",
        2 => "Mi",
        3 => "Gi",
        4 => "Ti",
        5 => "Pi",
        6 => "Ei",
        _ => "",
    }
}

fn decimal_suffix(exponent: i32) -> Option<&'static str> {
    Some(match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => return None,
    })
}

fn exponent_suffix(exponent: i32) -> String {
    if exponent == 0 {
        String::new()
    } else {
        format!("e{exponent}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        canonical(&Quantity(s.into()))
    }

    #[test]
    fn quantities_print_in_their_canonical_form() {
        assert_eq!(text("100m"), "100m");
        assert_eq!(text("0.5"), "500m");
        assert_eq!(text("1000m"), "1");
        assert_eq!(text("1500m"), "1500m");
        assert_eq!(text("1000"), "1k");
        assert_eq!(text("128Mi"), "128Mi");
        assert_eq!(text("1024Mi"), "1Gi");
        assert_eq!(text("1536Mi"), "1536Mi");
        assert_eq!(text("512"), "512");
        assert_eq!(text("102626232Ki"), "102626232Ki");
        assert_eq!(text("1e3"), "1e3");
        assert_eq!(text("0"), "0");
        assert_eq!(text("lots"), "lots");
    }

    #[test]
    fn sums_keep_the_first_format_and_round_up_their_integer_views() {
        let mut sum = Amount::default();
        sum.add(Amount::parse(&Quantity("64Mi".into())).expect("parses"));
        sum.add(Amount::parse(&Quantity("128Mi".into())).expect("parses"));
        assert_eq!(sum.canonical(), "192Mi");
        let cpu = Amount::parse(&Quantity("250m".into())).expect("parses");
        assert_eq!(cpu.milli_value(), 250);
        assert_eq!(cpu.value(), 1);
    }
}
