//! Small field checks the rule modules share: enumerations, number signs and ranges,
//! names (DNS-1123 label, path segment, qualified name), IANA service names, IPs and
//! CIDRs, and Kubernetes' int-or-percent values.

use super::Out;
// apimachinery `IsDNS1123Label` and `IsValidPortName` (IANA_SVC_NAME), shared with the
// cross-object checks.
pub(super) use crate::validate::semantic::{
    is_dns1123_label as dns_label, is_port_name as port_name,
};
use serde_json::Value;

/// `at.key`, or `key` at the top level.
pub(super) fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    }
}

/// `at.key`, or `at["key"]` for a key that a key path could not read back (a resource
/// name like `example.com/gpu` or `requests.cpu`).
pub(super) fn join_key(at: &str, key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        join(at, key)
    } else {
        format!("{at}[{key:?}]")
    }
}

/// The value at `key`, if it is present and not null.
pub(super) fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// A string field that must be one of `allowed` (absent or empty means the default).
pub(super) fn one_of(o: &mut Out<'_>, v: &Value, key: &str, at: &str, allowed: &[&str]) {
    if let Some(s) = get(v, key).and_then(Value::as_str)
        && !s.is_empty()
        && !allowed.contains(&s)
    {
        o.add(
            join(at, key),
            format!("unsupported value: must be {}", alternatives(allowed)),
        );
    }
}

/// `a, b or c`.
pub(super) fn alternatives(allowed: &[&str]) -> String {
    match allowed {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// ValidateNonnegativeField.
pub(super) fn non_negative(o: &mut Out<'_>, v: &Value, key: &str, at: &str) {
    if let Some(n) = get(v, key).and_then(Value::as_i64)
        && n < 0
    {
        o.add(join(at, key), "must be greater than or equal to 0");
    }
}

/// A number as the API server decodes it into an integer field: `1000.0` and `1e3` are
/// 1000 (kubectl sends them as JSON integers); a fraction is not an integer.
pub(super) fn integer(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0)
            .map(|f| f as i64)
    })
}

/// A field that must be greater than zero when set.
pub(super) fn positive(o: &mut Out<'_>, v: &Value, key: &str, at: &str) {
    if let Some(n) = get(v, key).and_then(Value::as_i64)
        && n <= 0
    {
        o.add(join(at, key), "must be greater than 0");
    }
}

/// apimachinery `IsValidPathSegmentName` (RBAC object names, references by name): not
/// `.` or `..`, and no `/` or `%`.
pub(crate) fn path_segment(s: &str) -> bool {
    !s.is_empty() && s != "." && s != ".." && !s.contains(['/', '%'])
}

/// An int-or-string port: a number 1–65535 or an IANA service name.
pub(super) fn port_or_name(o: &mut Out<'_>, p: Option<&Value>, at: &str) {
    match p {
        Some(Value::Number(n)) if n.as_i64().is_some_and(|n| (1..=65535).contains(&n)) => {}
        Some(Value::String(s)) if port_name(s) => {}
        None | Some(Value::Null) => {}
        _ => o.add(
            at,
            "must be a port number from 1 to 65535 or a port name (IANA_SVC_NAME)",
        ),
    }
}

/// An int-or-percent value (`5` or `"25%"`): its number and whether it is a percentage.
/// A percentage is digits and `%` only (IsValidPercent's `^[0-9]+%$`, apimachinery
/// pkg/util/validation/validation.go): no sign, no space.
pub(super) fn int_or_percent(v: &Value) -> Option<(i64, bool)> {
    match v {
        Value::Number(n) => n.as_i64().map(|n| (n, false)),
        Value::String(s) => s
            .strip_suffix('%')
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            // getPercentValue's strconv.Atoi saturates a number too large for an int.
            .map(|n| (n.parse::<i64>().unwrap_or(i64::MAX), true)),
        _ => None,
    }
}

/// ValidatePositiveIntOrPercent (and IsNotMoreThan100Percent when `at_most_100`).
pub(super) fn int_or_percent_field(
    o: &mut Out<'_>,
    v: &Value,
    key: &str,
    at: &str,
    at_most_100: bool,
) {
    let Some(x) = get(v, key) else { return };
    match int_or_percent(x) {
        None => o.add(
            format!("{at}.{key}"),
            "must be an integer or a percentage like 25%",
        ),
        Some((n, _)) if n < 0 => o.add(format!("{at}.{key}"), "must be greater than or equal to 0"),
        Some((n, true)) if at_most_100 && n > 100 => {
            o.add(format!("{at}.{key}"), "must not be greater than 100%")
        }
        _ => {}
    }
}

/// An IP address (v4 or v6) of a field Kubernetes v1.33 reads as it always has
/// (IsValidIPForLegacyField with StrictIPCIDRValidation off: netutils.ParseIPSloppy), so
/// an IPv4 part may have leading zeros (`010.0.0.1` is 10.0.0.1).
pub(super) fn is_ip(s: &str) -> bool {
    parse_ip_sloppy(s).is_some()
}

/// [`is_ip`]'s address.
pub(super) fn parse_ip_sloppy(s: &str) -> Option<std::net::IpAddr> {
    if let Ok(ip) = s.parse::<std::net::IpAddr>() {
        return Some(ip);
    }
    let parts: Vec<&str> = s.split('.').collect();
    let mut octets = [0u8; 4];
    if parts.len() != 4 {
        return None;
    }
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p
            .trim_start_matches('0')
            .parse::<u8>()
            .or_else(|_| {
                if p.bytes().all(|b| b == b'0') {
                    Ok(0)
                } else {
                    Err(())
                }
            })
            .ok()?;
    }
    Some(std::net::IpAddr::V4(std::net::Ipv4Addr::from(octets)))
}

/// A (network, prefix length) of a CIDR.
pub(super) fn cidr(c: &str) -> Option<(std::net::IpAddr, u32)> {
    let (a, l) = c.split_once('/')?;
    // ParseCIDRSloppy (IsValidCIDRForLegacyField, 1.33: StrictIPCIDRValidation off) takes
    // IPv4 octets with leading zeros.
    let addr = parse_ip_sloppy(a)?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let len: u32 = l.parse().ok().filter(|n| *n <= max)?;
    (!l.is_empty() && l.bytes().all(|b| b.is_ascii_digit())).then_some((addr, len))
}

/// Is CIDR `inner` within `outer` (same family, longer or equal prefix, same network)?
pub(super) fn cidr_within(inner: &str, outer: &str) -> bool {
    let (Some((ia, il)), Some((oa, ol))) = (cidr(inner), cidr(outer)) else {
        return false;
    };
    let bits = |a: std::net::IpAddr| -> (u128, u32) {
        match a {
            std::net::IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
            std::net::IpAddr::V6(v) => (u128::from(v), 128),
        }
    };
    let ((i, iw), (x, xw)) = (bits(ia), bits(oa));
    if iw != xw || il < ol {
        return false;
    }
    // The first `ol` bits of a `iw`-bit address.
    let ones = if ol == 0 {
        0
    } else if ol >= 128 {
        u128::MAX
    } else {
        (1u128 << ol) - 1
    };
    let mask = ones << (iw - ol);
    i & mask == x & mask
}

/// ValidateNonSpecialIP: unspecified, loopback, link-local and link-local multicast
/// addresses.
pub(super) fn special_ip(ip: std::net::IpAddr) -> bool {
    ip.is_unspecified()
        || ip.is_loopback()
        || match ip {
            std::net::IpAddr::V4(v) => v.is_link_local() || v.octets()[..3] == [224, 0, 0],
            std::net::IpAddr::V6(v) => {
                (v.segments()[0] & 0xffc0) == 0xfe80 || (v.segments()[0] & 0xff0f) == 0xff02
            }
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns_label("a-1"));
        assert!(!dns_label("A"));
        assert!(!dns_label("a.b"));
        assert!(path_segment("system:controller"));
        assert!(!path_segment("a/b"));
        assert!(!path_segment(".."));
        assert!(port_name("http"));
        assert!(!port_name("8080"));
        assert!(!port_name("a--b"));
        assert!(!port_name("very-long-port-name"));
    }

    #[test]
    fn cidrs() {
        assert!(cidr_within("10.1.0.0/16", "10.0.0.0/8"));
        assert!(!cidr_within("192.168.0.0/16", "10.0.0.0/8"));
        assert!(!cidr_within("10.0.0.0/8", "10.0.0.0/16"));
        assert!(cidr_within("fd00:1::/64", "fd00::/16"));
        assert!(!cidr_within("10.0.0.0/8", "fd00::/16"));
        assert!(cidr("10.0.0.0/33").is_none());
    }

    #[test]
    fn percents() {
        assert_eq!(int_or_percent(&Value::from("25%")), Some((25, true)));
        assert_eq!(int_or_percent(&Value::from(3)), Some((3, false)));
        assert_eq!(int_or_percent(&Value::from("x")), None);
        assert_eq!(
            int_or_percent(&Value::from("99999999999999999999%")),
            Some((i64::MAX, true))
        );
        for signed in ["+50%", "-5%", " 5%", "%", "5 %"] {
            assert_eq!(int_or_percent(&Value::from(signed)), None, "{signed}");
        }
    }
}
