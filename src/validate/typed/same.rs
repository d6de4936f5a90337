//! The round-trip comparison without the round trip: a serde `Serializer` that walks a
//! decoded struct alongside the document it came from and stops at the first thing the
//! diff in `typed` would report (an unknown field, a missing required one). A clean
//! document, the usual case, is then known clean without building its re-encoded tree;
//! any other goes through the diff, which says what and where. A property test holds the
//! two to each other.

use serde::ser::{self, Serialize};
use serde_json::Value;
use std::fmt;

/// Would the diff of `doc` against `typed`'s re-encoding report nothing?
pub(super) fn round_trip_is_clean<T: Serialize>(typed: &T, doc: &Value) -> bool {
    typed
        .serialize(Same {
            input: Some(doc),
            nested: false,
        })
        .is_ok()
}

/// "The diff would report something, or this walk cannot tell": the caller then diffs.
#[derive(Debug)]
pub(super) struct Differs;

impl fmt::Display for Differs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("differs from its input")
    }
}

impl std::error::Error for Differs {}

impl ser::Error for Differs {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Differs
    }
}

/// Where the walk is: the input value at the same place (`None` where the diff does not
/// look: below a value of another shape), and whether it is below the document's root.
#[derive(Clone, Copy)]
struct Same<'a> {
    input: Option<&'a Value>,
    nested: bool,
}

impl<'a> Same<'a> {
    /// The input's map here, if the diff compares maps here.
    fn object(self) -> Fields<'a> {
        let input = match self.input {
            Some(Value::Object(m)) => Some(m),
            _ => None,
        };
        Fields {
            input,
            nested: self.nested,
            matched: 0,
            key: None,
        }
    }

    /// The input's list here, if the diff compares lists here.
    fn list(self) -> Items<'a> {
        let input = match self.input {
            Some(Value::Array(a)) => Some(a.as_slice()),
            _ => None,
        };
        Items { input, next: 0 }
    }

    /// An enum variant re-encodes as `{variant: …}`: one field.
    fn variant<T: ?Sized + Serialize>(self, variant: &str, value: &T) -> Result<(), Differs> {
        let mut fields = self.object();
        fields.field(variant, value)?;
        fields.done()
    }
}

/// A mapping being compared: the input's fields matched so far (each re-encoded key
/// matches a different one: keys are unique).
struct Fields<'a> {
    input: Option<&'a serde_json::Map<String, Value>>,
    nested: bool,
    matched: usize,
    /// The key of a map entry whose value comes next.
    key: Option<String>,
}

impl Fields<'_> {
    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<(), Differs> {
        value.serialize(self.enter(key)?)
    }

    /// Every non-null field of the input was matched: none is unknown.
    fn done(self) -> Result<(), Differs> {
        match self.input {
            Some(input) if input.values().filter(|v| !v.is_null()).count() != self.matched => {
                Err(Differs)
            }
            _ => Ok(()),
        }
    }
}

/// A list being compared item by item, as far as both go.
struct Items<'a> {
    input: Option<&'a [Value]>,
    next: usize,
}

impl Items<'_> {
    fn item<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
        let input = self.input.and_then(|a| a.get(self.next));
        self.next += 1;
        value.serialize(Same {
            input,
            nested: true,
        })
    }
}

/// Map keys as the re-encoding writes them (serde_json's rules for the key types it
/// accepts); anything else is left to the diff. The quantity walk reads a quantity's
/// text and a map's keys with it too.
pub(super) struct Key;

impl ser::Serializer for Key {
    type Ok = String;
    type Error = Differs;
    type SerializeSeq = ser::Impossible<String, Differs>;
    type SerializeTuple = ser::Impossible<String, Differs>;
    type SerializeTupleStruct = ser::Impossible<String, Differs>;
    type SerializeTupleVariant = ser::Impossible<String, Differs>;
    type SerializeMap = ser::Impossible<String, Differs>;
    type SerializeStruct = ser::Impossible<String, Differs>;
    type SerializeStructVariant = ser::Impossible<String, Differs>;

    fn serialize_str(self, v: &str) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_char(self, v: char) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<String, Differs> {
        Ok(v.to_string())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<String, Differs> {
        v.serialize(self)
    }
    fn serialize_f32(self, _: f32) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_f64(self, _: f64) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_i128(self, _: i128) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_u128(self, _: u128) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_none(self) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_unit(self) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Differs> {
        Err(Differs)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Differs> {
        Err(Differs)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Differs> {
        Err(Differs)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Differs> {
        Err(Differs)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Differs> {
        Err(Differs)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Differs> {
        Err(Differs)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Differs> {
        Err(Differs)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Differs> {
        Err(Differs)
    }
}

/// A struct or map variant: `{variant: {fields}}`.
struct VariantFields<'a> {
    outer: Fields<'a>,
    inner: Fields<'a>,
}

/// A tuple variant: `{variant: [items]}`.
struct VariantItems<'a> {
    outer: Fields<'a>,
    inner: Items<'a>,
}

impl<'a> ser::Serializer for Same<'a> {
    type Ok = ();
    type Error = Differs;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Items<'a>;
    type SerializeTupleStruct = Items<'a>;
    type SerializeTupleVariant = VariantItems<'a>;
    type SerializeMap = Fields<'a>;
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = VariantFields<'a>;

    // Scalars: the diff compares no values, only which fields there are.
    fn serialize_bool(self, _: bool) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_i128(self, _: i128) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_u128(self, _: u128) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_char(self, _: char) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_str(self, _: &str) -> Result<(), Differs> {
        Ok(())
    }
    // Bytes re-encode as a list of numbers: items with nothing to compare.
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_unit(self) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Differs> {
        Ok(())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Differs> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        self.variant(variant, value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a>, Differs> {
        Ok(self.list())
    }
    fn serialize_tuple(self, _: usize) -> Result<Items<'a>, Differs> {
        Ok(self.list())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Items<'a>, Differs> {
        Ok(self.list())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<VariantItems<'a>, Differs> {
        let mut outer = self.object();
        let inner = outer.enter(variant)?.list();
        Ok(VariantItems { outer, inner })
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Fields<'a>, Differs> {
        Ok(self.object())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Fields<'a>, Differs> {
        Ok(self.object())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<VariantFields<'a>, Differs> {
        let mut outer = self.object();
        let inner = outer.enter(variant)?.object();
        Ok(VariantFields { outer, inner })
    }
}

impl<'a> Fields<'a> {
    /// Where field `key`'s value is compared, after the diff's checks of the field: a
    /// required field the input lacks (or has as null) differs; embedded resources
    /// re-encode with their own apiVersion and kind, which the input may leave out.
    fn enter(&mut self, key: &str) -> Result<Same<'a>, Differs> {
        let Some(input) = self.input else {
            return Ok(Same {
                input: None,
                nested: true,
            });
        };
        match crate::parse::field(input, key).filter(|v| !v.is_null()) {
            Some(v) => {
                self.matched += 1;
                Ok(Same {
                    input: Some(v),
                    nested: true,
                })
            }
            None if self.nested && (key == "apiVersion" || key == "kind") => Ok(Same {
                input: None,
                nested: true,
            }),
            None => Err(Differs),
        }
    }
}

/// The list-like compound serializers: each element is the next item.
macro_rules! items {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Items<'_> {
            type Ok = ();
            type Error = Differs;
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
                self.item(value)
            }
            fn end(self) -> Result<(), Differs> {
                Ok(())
            }
        }
    )*};
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeTupleVariant for VariantItems<'_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
        self.inner.item(value)
    }
    fn end(self) -> Result<(), Differs> {
        self.outer.done()
    }
}

impl ser::SerializeMap for Fields<'_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Differs> {
        self.key = Some(key.serialize(Key)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Differs> {
        let key = self.key.take().ok_or(Differs)?;
        self.field(&key, value)
    }
    fn end(self) -> Result<(), Differs> {
        self.done()
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Differs> {
        self.done()
    }
}

impl ser::SerializeStructVariant for VariantFields<'_> {
    type Ok = ();
    type Error = Differs;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Differs> {
        self.inner.field(key, value)
    }
    fn end(self) -> Result<(), Differs> {
        self.inner.done()?;
        self.outer.done()
    }
}
