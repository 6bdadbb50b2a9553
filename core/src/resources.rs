//! Resource quantities (`100m`, `128Mi`, `1.5`) as plain numbers: CPU in
//! millicores, everything else in bytes or units.

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

/// Parses a CPU quantity into millicores (`500m` → 500, `2` → 2000).
pub fn cpu_millis(quantity: &Quantity) -> Option<i64> {
    let text = quantity.0.trim();
    if let Some(m) = text.strip_suffix('m') {
        return m.parse::<i64>().ok();
    }
    value(text).map(|v| (v * 1000.0).ceil() as i64)
}

/// Parses a memory (or any integer) quantity into bytes (`128Mi`, `1G`, `1e3`).
pub fn bytes(quantity: &Quantity) -> Option<i64> {
    value(quantity.0.trim()).map(|v| v.ceil() as i64)
}

fn value(text: &str) -> Option<f64> {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    for (suffix, factor) in SUFFIXES {
        if let Some(number) = text.strip_suffix(suffix) {
            return number
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(|v| v * factor);
        }
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity(text.into())
    }

    #[test]
    fn quantities_parse_like_the_api() {
        assert_eq!(cpu_millis(&q("500m")), Some(500));
        assert_eq!(cpu_millis(&q("2")), Some(2000));
        assert_eq!(cpu_millis(&q("0.1")), Some(100));
        assert_eq!(bytes(&q("128Mi")), Some(134_217_728));
        assert_eq!(bytes(&q("1G")), Some(1_000_000_000));
        assert_eq!(bytes(&q("1e3")), Some(1000));
        assert_eq!(bytes(&q("lots")), None);
    }
}
