//! Every resource quantity a decoded object holds, checked as the API server parses it.
//! k8s-openapi reads any string as a `Quantity`, while the API server refuses the whole
//! object when one does not parse (`Quantity.UnmarshalJSON` calls `ParseQuantity`,
//! apimachinery pkg/api/resource/quantity.go:743-745 at v0.33.0). Quantities sit in many
//! places beyond container resources (an emptyDir's sizeLimit, a divisor, a pod's
//! overhead, a ResourceQuota, an HPA target), so this walks the typed object with a serde
//! `Serializer` that keeps its path and stops at each value k8s-openapi serializes as the
//! newtype `Quantity`.

use super::same::{Differs, Key};
use crate::locate::{KeyPath, Seg};
use serde::ser::{self, Serialize};

/// The paths of the quantities in `typed` that the API server could not parse.
pub(super) fn unparsable<T: Serialize>(typed: &T) -> Vec<KeyPath> {
    let mut walk = Walk::default();
    // The walk itself never fails; an error could only come from a type's own Serialize.
    let _ = typed.serialize(&mut walk);
    walk.bad
}

/// apimachinery's `ParseQuantity` (after the `strings.TrimSpace` of `UnmarshalJSON`):
/// does `s` parse? A port of `parseQuantityString` and the suffix table
/// (pkg/api/resource/quantity.go:160-275 and suffix.go:108-198 at v0.33.0), which accept
/// more than the canonical form: `+`, `.` and `1.G` are quantities there.
pub fn parses(s: &str) -> bool {
    let s = s.trim();
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut pos = usize::from(matches!(b[0], b'+' | b'-'));
    pos += b[pos..].iter().take_while(|c| **c == b'0').count();
    if pos == b.len() {
        return true;
    }
    let num_start = pos;
    pos = digits(pos);
    let num_len = pos - num_start;
    if pos == b.len() {
        return true;
    }
    let mut denom_len = 0;
    if b[pos] == b'.' {
        let from = pos + 1;
        pos = digits(from);
        denom_len = pos - from;
        if pos == b.len() {
            return true;
        }
    }
    let value_has_digit = b[..pos].iter().any(u8::is_ascii_digit);
    let suffix_start = pos;
    pos += b[pos..]
        .iter()
        .take_while(|c| b"eEinumkKMGTP".contains(c))
        .count();
    if pos < b.len() {
        if matches!(b[pos], b'+' | b'-') {
            pos += 1;
        }
        if digits(pos) != b.len() {
            return false;
        }
    }
    let Some((binary, exponent)) = suffix(&s[suffix_start..]) else {
        return false;
    };
    if exponent.unsigned_abs() > u64::from(MAX_EXPONENT) {
        return false;
    }
    // The fast path (an int64 mantissa) takes what has few enough digits and a scale of
    // at least nano; anything else is read as a decimal of `value` (`inf.Dec.SetString`),
    // which needs a digit.
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let len = count(num_len.max(1)).saturating_add(count(denom_len));
    let fast = if binary {
        // precision = 15 - len(num) - exponent*3/10 - 1 must not be negative (a binary
        // exponent is at most 60).
        denom_len == 0 && exponent >= 0 && len + exponent * 3 / 10 <= 14
    } else {
        len <= 18 && exponent.saturating_sub(count(denom_len)) >= -9
    };
    fast || value_has_digit
}

/// `suffixHandler.interpret`: (binary, exponent) of a suffix, if it is one.
fn suffix(s: &str) -> Option<(bool, i64)> {
    let dec = [
        ("", 0),
        ("n", -9),
        ("u", -6),
        ("m", -3),
        ("k", 3),
        ("M", 6),
        ("G", 9),
        ("T", 12),
        ("P", 15),
        ("E", 18),
    ];
    let bin = [
        ("Ki", 10),
        ("Mi", 20),
        ("Gi", 30),
        ("Ti", 40),
        ("Pi", 50),
        ("Ei", 60),
    ];
    if let Some((_, e)) = dec.iter().find(|(x, _)| *x == s) {
        return Some((false, *e));
    }
    if let Some((_, e)) = bin.iter().find(|(x, _)| *x == s) {
        return Some((true, *e));
    }
    // `e`/`E` and a base-10 int64 (strconv.ParseInt: an optional sign, then digits).
    let rest = s.strip_prefix(['e', 'E']).filter(|r| !r.is_empty())?;
    let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // The exponent is kept as an int32 (`int32(parsed)`, suffix.go:190-194 at v0.33.0):
    // `1e4294967297` is 1e1 there.
    #[allow(clippy::cast_possible_truncation)]
    rest.parse::<i64>()
        .ok()
        .map(|e| (false, i64::from(e as i32)))
}

/// The largest decimal exponent taken: beyond it apimachinery's decimal path (inf.Dec
/// scaled by `10^exponent`, quantity.go:228-256) takes seconds to minutes and hundreds
/// of megabytes for one value (measured with apimachinery v0.33: `1e-10000000` 4 s,
/// `1e-100000000` 118 s), past the API server's request timeout of 60 s.
pub const MAX_EXPONENT: u32 = 10_000_000;

/// A quantity's value exactly as ParseQuantity keeps it: its sign, and its magnitude
/// rounded up to whole nanos (`inf.RoundUp`, away from zero: quantity.go:252-256), as
/// the decimal digits `digits` (no leading or trailing zeros; empty for zero) followed by
/// `zeros` zeros. Compared exactly, as `Quantity.Cmp` does: a float would take
/// 2.0000000000000001 for 2 and -1e-1000 for 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exact {
    pub negative: bool,
    digits: Vec<u8>,
    zeros: u64,
}

impl Exact {
    /// Is it zero?
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let sign = |q: &Exact| match (q.is_zero(), q.negative) {
            (true, _) => 0,
            (false, true) => -1,
            (false, false) => 1,
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        // Magnitudes: the longer number is the larger, then digit by digit.
        let len = |q: &Exact| q.digits.len() as u64 + q.zeros;
        let magnitude = len(self).cmp(&len(other)).then_with(|| {
            let n = self.digits.len().max(other.digits.len());
            let at = |q: &Exact, i: usize| q.digits.get(i).copied().unwrap_or(0);
            (0..n)
                .map(|i| at(self, i).cmp(&at(other, i)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        });
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// The exact value of a quantity that [`parses`], or `None`.
pub fn exact(s: &str) -> Option<Exact> {
    if !parses(s) {
        return None;
    }
    let s = s.trim();
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, suffix_text) = body.split_at(end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let (binary, exponent) = suffix(suffix_text)?;
    // value = digits × 10^scale (× 2^exponent when binary), in nanos.
    let mut digits: Vec<u8> = whole
        .bytes()
        .chain(fraction.bytes())
        .map(|b| b - b'0')
        .collect();
    let mut scale = 9 - i64::try_from(fraction.len()).ok()?;
    if binary {
        // 2^exponent = 1024^(exponent/10): multiply the digits by 1024 that many times.
        for _ in 0..exponent / 10 {
            let mut carry = 0u32;
            for d in digits.iter_mut().rev() {
                let x = u32::from(*d) * 1024 + carry;
                *d = (x % 10) as u8;
                carry = x / 10;
            }
            while carry > 0 {
                digits.insert(0, (carry % 10) as u8);
                carry /= 10;
            }
        }
    } else {
        scale += exponent;
    }
    let lead = digits.iter().take_while(|d| **d == 0).count();
    digits.drain(..lead);
    if scale < 0 {
        // Below a nano: cut, and round the rest up (away from zero).
        let cut = usize::try_from(scale.unsigned_abs()).unwrap_or(usize::MAX);
        if cut >= digits.len() {
            let any = !digits.is_empty();
            digits.clear();
            if any {
                digits.push(1);
            }
        } else {
            let rest = digits.split_off(digits.len() - cut);
            if rest.iter().any(|d| *d != 0) {
                // Add one to the digits kept.
                let mut i = digits.len();
                loop {
                    if i == 0 {
                        digits.insert(0, 1);
                        break;
                    }
                    i -= 1;
                    if digits[i] == 9 {
                        digits[i] = 0;
                    } else {
                        digits[i] += 1;
                        break;
                    }
                }
            }
        }
        scale = 0;
    }
    let mut zeros = scale.unsigned_abs();
    while digits.last() == Some(&0) {
        digits.pop();
        zeros += 1;
    }
    if digits.is_empty() {
        zeros = 0;
    }
    let mut q = Exact {
        negative: negative && !digits.is_empty(),
        digits,
        zeros,
    };
    // A binary-suffixed magnitude is capped at 2^63-1 ("The max is just a simple cap",
    // quantity.go:376-380 at v0.33.0; a decimal one is not): `9Ei` and `8Ei` are equal.
    if binary {
        let max = Exact {
            negative: false,
            digits: b"9223372036854775807".iter().map(|b| b - b'0').collect(),
            zeros: 9,
        };
        let magnitude = Exact {
            negative: false,
            ..q.clone()
        };
        if magnitude > max {
            q = Exact {
                negative: q.negative,
                ..max
            };
        }
    }
    Some(q)
}

/// One step of the walk's path: a struct's field names are static, so a step costs no
/// allocation unless it is a map's key.
enum Step {
    Field(&'static str),
    Key(String),
    Index(usize),
}

/// The walk: where it is, and the quantities found unparsable.
#[derive(Default)]
struct Walk {
    path: Vec<Step>,
    bad: Vec<KeyPath>,
}

impl Walk {
    fn at<T: ?Sized + Serialize>(&mut self, seg: Step, v: &T) -> Result<(), Never> {
        self.path.push(seg);
        let r = v.serialize(&mut *self);
        self.path.pop();
        r
    }
}

/// The walk's error type (an error could only come from a type's own Serialize; the
/// walk makes none): the round-trip walk's.
type Never = Differs;

/// Leaves are nothing to the walk.
macro_rules! leaves {
    ($($f:ident: $t:ty),* $(,)?) => {
        $(fn $f(self, _: $t) -> Result<(), Never> { Ok(()) })*
    };
}

impl<'a> ser::Serializer for &'a mut Walk {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    leaves!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8], serialize_unit_struct: &'static str);

    fn serialize_none(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Never> {
        Ok(())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        if name == "Quantity" {
            if v.serialize(Key).is_ok_and(|s| !parses(&s)) {
                let path = self.path.iter().map(|s| match s {
                    Step::Field(k) => Seg::Key((*k).to_string()),
                    Step::Key(k) => Seg::Key(k.clone()),
                    Step::Index(i) => Seg::Index(*i),
                });
                self.bad.push(KeyPath(path.collect()));
            }
            return Ok(());
        }
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), Never> {
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Seq<'a>, Never> {
        Ok(Seq {
            walk: self,
            next: 0,
        })
    }
    fn serialize_tuple(self, _: usize) -> Result<Seq<'a>, Never> {
        Ok(Seq {
            walk: self,
            next: 0,
        })
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Seq<'a>, Never> {
        Ok(Seq {
            walk: self,
            next: 0,
        })
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Seq<'a>, Never> {
        Ok(Seq {
            walk: self,
            next: 0,
        })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a>, Never> {
        Ok(Map {
            walk: self,
            key: String::new(),
        })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        Ok(self)
    }
}

/// A list, tuple or tuple variant: its items by index.
struct Seq<'a> {
    walk: &'a mut Walk,
    next: usize,
}

impl Seq<'_> {
    fn item<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
        self.next += 1;
        self.walk.at(Step::Index(self.next - 1), v)
    }
}

/// The item-by-item traits of `Seq`, all alike.
macro_rules! seq_like {
    ($($tr:ident :: $f:ident),*) => {
        $(impl ser::$tr for Seq<'_> {
            type Ok = ();
            type Error = Never;
            fn $f<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
                self.item(v)
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        })*
    };
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A map: each value under its key (a map's keys are strings in Kubernetes objects).
struct Map<'a> {
    walk: &'a mut Walk,
    key: String,
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result<(), Never> {
        self.key = k.serialize(Key).unwrap_or_default();
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Never> {
        self.walk.at(Step::Key(std::mem::take(&mut self.key)), v)
    }
    fn end(self) -> Result<(), Never> {
        Ok(())
    }
}

/// A struct's (or struct variant's) fields, under their names.
macro_rules! struct_like {
    ($($tr:ident),*) => {
        $(impl ser::$tr for &mut Walk {
            type Ok = ();
            type Error = Never;
            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), Never> {
                self.at(Step::Field(key), v)
            }
            fn end(self) -> Result<(), Never> {
                Ok(())
            }
        })*
    };
}

struct_like!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    /// What apimachinery's ParseQuantity accepts and refuses (quantity_test.go's
    /// TestQuantityParse and the forms its parser lets through).
    #[test]
    fn parses_as_apimachinery_does() {
        for ok in [
            "0",
            "1",
            "+1",
            "-1",
            "1.5",
            ".5",
            "5.",
            "1.G",
            "500m",
            "1Ki",
            "10Gi",
            "1e3",
            "1E-3",
            "1e+3",
            "100n",
            "3u",
            "1k",
            "2M",
            "1P",
            "1E",
            "+",
            "-",
            ".",
            "000",
            " 1",
            "1Gi ",
            "12345678901234567890",
            "1.0000000001",
            "1e-12",
            "0.0001m",
            // No digits before the suffix: the numerator is taken as 0.
            "Gi",
            "e3",
        ] {
            assert!(parses(ok), "{ok:?} should parse");
        }
        for bad in [
            "",
            " ",
            "abc",
            "not-a-quantity",
            "1K",
            "1ki",
            "1iB",
            "1.5.5",
            "1e",
            "1e+",
            "1Kii",
            "1 Gi",
            "1mm",
            "1e3.5",
            "--1",
            "1-",
            "0x10",
            "1e99999999999999999999",
        ] {
            assert!(!parses(bad), "{bad:?} should not parse");
        }
    }
}

#[cfg(test)]
mod exact_tests {
    use super::exact;

    /// Exact values compare as Quantity.Cmp: nanos rounded up away from zero, binary
    /// suffixes multiplied out, no float in between.
    #[test]
    fn compared_exactly() {
        let q = |s: &str| exact(s).unwrap_or_else(|| panic!("{s} parses"));
        for (a, b) in [
            ("2.0000000000000001", "2"),
            ("1.0000000000000001Gi", "1Gi"),
            ("9007199254740993", "9007199254740992"),
            ("2e400", "1e400"),
            ("1", "999m"),
            ("1Ki", "1023"),
            ("1n", "0"),
            ("0.1n", "0"),
            ("0", "-1e-1000"),
            ("-1", "-2"),
        ] {
            assert!(q(a) > q(b), "{a} > {b}");
            assert!(q(b) < q(a), "{b} < {a}");
        }
        for (a, b) in [
            ("1Gi", "1073741824"),
            ("8Gi", "8192Mi"),
            ("500m", "0.5"),
            ("1e3", "1k"),
            ("0.1n", "1n"),
            ("1.5Ki", "1536"),
            ("+1", "1"),
            ("0", "-0"),
            ("1e-1000", "1n"),
            (" 2 ", "2"),
        ] {
            assert_eq!(q(a), q(b), "{a} = {b}");
        }
        // Binary magnitudes are capped at 2^63-1, decimal ones are not.
        assert_eq!(q("9Ei"), q("8Ei"));
        assert_eq!(q("16Ei"), q("9223372036854775807"));
        assert!(q("9223372036854775808") > q("9Ei"));
        assert!(q("1e19") > q("16Ei"));
        assert_eq!(q("-9Ei"), q("-8Ei"));
        assert!(q("-1e-1000").negative);
        assert!(!q("-0").negative && q("-0").is_zero());
        assert!(q("0.000n").is_zero());
    }

    /// An exponent the API server would take minutes to scale is refused, as is one
    /// that wraps into it as an int32.
    #[test]
    fn exponents_beyond_the_bound_are_refused() {
        assert!(exact("1e10000000").is_some());
        assert!(exact("1e-10000000").is_some());
        for far in [
            "1e10000001",
            "1e-999999999",
            "1e2147483648",
            "1e-2147483648",
        ] {
            assert!(exact(far).is_none(), "{far}");
        }
        // Wrapped into range: 2^32 + 1 is 1.
        assert_eq!(exact("1e4294967297"), exact("10"));
    }
}
