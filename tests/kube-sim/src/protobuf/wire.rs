//! The protobuf wire format (proto2, as gogo-protobuf writes it for the
//! Kubernetes types): varints, fixed 32- and 64-bit values,
//! length-delimited bytes and groups, read without ever trusting a length.
//! Errors carry the wording of the generated Go `Unmarshal` methods
//! (`unexpected EOF`, `proto: integer overflow`, …).

/// One field's value as it stands on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Wire<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1.
    Fixed64(u64),
    /// Wire type 2: bytes, a string, an embedded message or a packed list.
    Len(&'a [u8]),
    /// Wire type 3: a (deprecated) group, already skipped to its end.
    Group,
    /// Wire type 5.
    Fixed32(u32),
}

impl Wire<'_> {
    /// The wire type number, for error messages.
    pub(super) fn wire_type(&self) -> u8 {
        match self {
            Wire::Varint(_) => 0,
            Wire::Fixed64(_) => 1,
            Wire::Len(_) => 2,
            Wire::Group => 3,
            Wire::Fixed32(_) => 5,
        }
    }
}

/// `io.ErrUnexpectedEOF`, what Go reports for a truncated message.
pub(super) const UNEXPECTED_EOF: &str = "unexpected EOF";

/// The largest nesting of groups the reader skips through.
const MAX_GROUP_DEPTH: usize = 100;

/// Reads the fields of one message, in order.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over one message's bytes.
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Whether every byte has been read.
    pub(super) fn is_empty(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// A base-128 varint, at most ten bytes, as Go reads it.
    pub(super) fn varint(&mut self) -> Result<u64, String> {
        let mut value: u64 = 0;
        let mut shift = 0u32;
        loop {
            if shift >= 64 {
                return Err("proto: integer overflow".into());
            }
            let byte = *self.buf.get(self.pos).ok_or(UNEXPECTED_EOF)?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(n).ok_or(UNEXPECTED_EOF)?;
        let bytes = self.buf.get(self.pos..end).ok_or(UNEXPECTED_EOF)?;
        self.pos = end;
        Ok(bytes)
    }

    fn len_delimited(&mut self) -> Result<&'a [u8], String> {
        let len = self.varint()?;
        if i64::try_from(len).is_err() {
            return Err("proto: negative length found during unmarshaling".into());
        }
        let len = usize::try_from(len).map_err(|_| UNEXPECTED_EOF.to_string())?;
        self.take(len)
    }

    fn tag(&mut self, message: &str) -> Result<(u32, u8), String> {
        let tag = self.varint()?;
        let wire_type = (tag & 7) as u8;
        // Go keeps the field number as an int32.
        let number = (tag >> 3) as i32;
        if wire_type == 4 {
            return Err(format!("proto: {message}: wiretype end group for non-group"));
        }
        if number <= 0 {
            return Err(format!(
                "proto: {message}: illegal tag {number} (wire type {wire_type})"
            ));
        }
        Ok((number.unsigned_abs(), wire_type))
    }

    fn value(&mut self, wire_type: u8) -> Result<Wire<'a>, String> {
        match wire_type {
            0 => self.varint().map(Wire::Varint),
            1 => {
                let bytes = self.take(8)?;
                let mut word = [0u8; 8];
                word.copy_from_slice(bytes);
                Ok(Wire::Fixed64(u64::from_le_bytes(word)))
            }
            2 => self.len_delimited().map(Wire::Len),
            3 => self.skip_group().map(|()| Wire::Group),
            5 => {
                let bytes = self.take(4)?;
                let mut word = [0u8; 4];
                word.copy_from_slice(bytes);
                Ok(Wire::Fixed32(u32::from_le_bytes(word)))
            }
            other => Err(format!("proto: illegal wireType {other}")),
        }
    }

    /// Skips a group's fields up to its matching end-group tag.
    fn skip_group(&mut self) -> Result<(), String> {
        let mut depth = 1usize;
        while depth > 0 {
            let tag = self.varint()?;
            match (tag & 7) as u8 {
                3 => {
                    depth += 1;
                    if depth > MAX_GROUP_DEPTH {
                        return Err("proto: groups nested too deeply".into());
                    }
                }
                4 => depth -= 1,
                wire_type => {
                    self.value(wire_type)?;
                }
            }
        }
        Ok(())
    }

    /// The next field of the message named `message` (named in errors):
    /// its number and value, or `None` at the end.
    pub(super) fn field(&mut self, message: &str) -> Result<Option<(u32, Wire<'a>)>, String> {
        if self.is_empty() {
            return Ok(None);
        }
        let (number, wire_type) = self.tag(message)?;
        let value = self.value(wire_type)?;
        Ok(Some((number, value)))
    }
}

/// The varints of a packed repeated field.
pub(super) fn packed_varints(bytes: &[u8]) -> Result<Vec<u64>, String> {
    let mut reader = Reader::new(bytes);
    let mut values = Vec::new();
    while !reader.is_empty() {
        values.push(reader.varint()?);
    }
    Ok(values)
}
