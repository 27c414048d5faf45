//! Streaming CSV reading shared by every CSV importer: header, optional HXL tag row,
//! byte-level UTF-8 checks, field-count checks and unclosed-quote detection, each with a
//! `file:line: column: reason` message.
//!
//! The csv crate ends a quoted field at end of file without complaint, so an unclosed
//! quote would silently swallow the rest of the file into one field. [`Tracker`] runs a
//! tiny quote state machine over the bytes as they are read to notice it.

use crate::error::{IngestError, RowError};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Q {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// A `Read` wrapper that counts bytes and follows CSV quoting.
#[derive(Debug)]
pub struct Tracker<R> {
    inner: R,
    bytes: u64,
    state: Q,
    field: usize,
    open_byte: u64,
    open_field: usize,
    eof: bool,
    delimiter: u8,
}

impl<R: Read> Tracker<R> {
    fn new(inner: R, delimiter: u8) -> Self {
        Tracker {
            inner,
            delimiter,
            bytes: 0,
            state: Q::FieldStart,
            field: 0,
            open_byte: 0,
            open_field: 0,
            eof: false,
        }
    }
}

impl<R: Read> Read for Tracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.eof = true;
        }
        for (i, &b) in buf[..n].iter().enumerate() {
            let pos = self.bytes + i as u64;
            self.state = match (self.state, b) {
                (Q::FieldStart, b'"') => {
                    self.open_byte = pos;
                    self.open_field = self.field;
                    Q::Quoted
                }
                (Q::Quoted, b'"') => Q::QuoteInQuoted,
                (Q::Quoted, _) => Q::Quoted,
                (Q::QuoteInQuoted, b'"') => Q::Quoted,
                (_, d) if d == self.delimiter => {
                    self.field += 1;
                    Q::FieldStart
                }
                (_, b'\n') | (_, b'\r') => {
                    self.field = 0;
                    Q::FieldStart
                }
                _ => Q::Unquoted,
            };
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

/// One data record: where it starts, its fields as text, and any structural problem.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// 1-based physical line where the record starts.
    pub line: u64,
    /// The fields (invalid UTF-8 replaced by U+FFFD so the row can still be echoed).
    pub fields: Vec<String>,
    /// A structural problem (field count, UTF-8, unclosed quote); the row is then invalid.
    pub error: Option<RowError>,
}

/// A streaming CSV reader over data rows, with named columns.
pub struct CsvRows<R: Read> {
    file: String,
    rdr: csv::Reader<Tracker<BufReader<R>>>,
    headers: Vec<String>,
    index: HashMap<String, usize>,
    pending: Option<csv::ByteRecord>,
    /// True when the second line was an HXL tag row (skipped).
    pub hxl: bool,
    hxl_tags: Vec<String>,
}

/// Picks the delimiter from the header line: `,` unless the line has more `;` (what
/// Excel writes in French and other locales with a decimal comma) or tabs outside quotes.
pub fn sniff_delimiter(head: &[u8]) -> u8 {
    let (mut comma, mut semi, mut tab, mut quoted) = (0usize, 0usize, 0usize, false);
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

fn strip_bom(s: &str) -> &str {
    s.strip_prefix('\u{feff}').unwrap_or(s)
}

impl<R: Read> CsvRows<R> {
    /// Reads the header (and an HXL tag row if the second line is one).
    pub fn new(file: &str, input: R) -> Result<Self, IngestError> {
        let mut input = BufReader::with_capacity(1 << 16, input);
        let head = input.fill_buf().map_err(|e| IngestError::io(file, e))?;
        let delimiter = sniff_delimiter(head);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Tracker::new(input, delimiter));
        let mut rec = csv::ByteRecord::new();
        let got = rdr
            .read_byte_record(&mut rec)
            .map_err(|e| csv_err(file, e))?;
        if !got {
            return Err(IngestError::Header(RowError::new(
                file,
                1,
                "header",
                "file is empty",
            )));
        }
        let mut headers = Vec::with_capacity(rec.len());
        for (i, f) in rec.iter().enumerate() {
            let s = std::str::from_utf8(f).map_err(|_| {
                IngestError::Header(RowError::new(
                    file,
                    1,
                    "header",
                    format!("column {} is not valid UTF-8", i + 1),
                ))
            })?;
            let s = if i == 0 { strip_bom(s) } else { s };
            headers.push(s.trim().to_string());
        }
        let mut index = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            index.entry(h.to_ascii_lowercase()).or_insert(i);
        }
        let mut me = CsvRows {
            file: file.to_string(),
            rdr,
            headers,
            index,
            pending: None,
            hxl: false,
            hxl_tags: Vec::new(),
        };
        // Optional HXL tag row.
        let mut second = csv::ByteRecord::new();
        if me
            .rdr
            .read_byte_record(&mut second)
            .map_err(|e| csv_err(file, e))?
        {
            let cells: Vec<String> = second
                .iter()
                .map(|f| String::from_utf8_lossy(f).trim().to_string())
                .collect();
            let nonempty: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
            if !nonempty.is_empty() && nonempty.iter().all(|c| c.starts_with('#')) {
                me.hxl = true;
                me.hxl_tags = cells;
            } else {
                me.pending = Some(second);
            }
        }
        Ok(me)
    }

    /// The file name used in messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The header names, as read (BOM stripped, trimmed).
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Lower-case column name → index (first occurrence).
    pub fn index(&self) -> &HashMap<String, usize> {
        &self.index
    }

    /// The HXL tags of the skipped tag row, if any.
    pub fn hxl_tags(&self) -> &[String] {
        &self.hxl_tags
    }

    /// The index of a column (case-insensitive), if present.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.index.get(&name.to_ascii_lowercase()).copied()
    }

    /// Bytes consumed from the input so far.
    pub fn bytes_read(&self) -> u64 {
        self.rdr.get_ref().bytes
    }

    /// Fails with `file:1: header: missing column 'x'` for the first absent column.
    pub fn require(&self, columns: &[&str]) -> Result<(), IngestError> {
        for c in columns {
            if self.col(c).is_none() {
                return Err(IngestError::Header(RowError::new(
                    &self.file,
                    1,
                    "header",
                    format!("missing column '{c}'"),
                )));
            }
        }
        Ok(())
    }

    /// Maps a raw row to a [`ParsedRow`] with a format's mapping function, keeping the
    /// raw fields for a rejects file; a structurally broken row is not mapped.
    pub fn parse(
        &self,
        raw: RawRow,
        map: impl FnOnce(&Row<'_>) -> Result<veille_model::Event, RowError>,
    ) -> crate::common::ParsedRow {
        let event = match raw.error {
            Some(e) => Err(vec![e]),
            None => {
                let row = Row {
                    file: self.file(),
                    line: raw.line,
                    headers: self.headers(),
                    index: self.index(),
                    fields: &raw.fields,
                };
                map(&row).map_err(|e| vec![e])
            }
        };
        crate::common::ParsedRow {
            line: raw.line,
            raw: raw.fields,
            event,
        }
    }

    /// The next data row, or `None` at end of file. I/O errors end the read.
    pub fn next_row(&mut self) -> Option<Result<RawRow, IngestError>> {
        let rec = match self.pending.take() {
            Some(r) => r,
            None => {
                let mut r = csv::ByteRecord::new();
                match self.rdr.read_byte_record(&mut r) {
                    Ok(true) => r,
                    Ok(false) => return None,
                    Err(e) => return Some(Err(csv_err(&self.file, e))),
                }
            }
        };
        let (line, start) = rec
            .position()
            .map(|p| (p.line(), p.byte()))
            .unwrap_or((0, 0));
        let end = self.rdr.position().byte();
        let mut error = None;
        let mut fields = Vec::with_capacity(rec.len());
        for (i, f) in rec.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s.to_string()),
                Err(e) => {
                    if error.is_none() {
                        error = Some(RowError::new(
                            &self.file,
                            line,
                            self.column_name(i),
                            format!("not valid UTF-8 (byte {} of the field)", e.valid_up_to()),
                        ));
                    }
                    fields.push(String::from_utf8_lossy(f).into_owned());
                }
            }
        }
        let t = self.rdr.get_ref();
        if t.eof && t.state == Q::Quoted && t.open_byte >= start && t.open_byte < end.max(t.bytes) {
            error = Some(RowError::new(
                &self.file,
                line,
                self.column_name(t.open_field),
                "unclosed quote",
            ));
        } else if error.is_none() && fields.len() != self.headers.len() {
            error = Some(RowError::new(
                &self.file,
                line,
                "row",
                format!(
                    "expected {} fields, found {}",
                    self.headers.len(),
                    fields.len()
                ),
            ));
        }
        Some(Ok(RawRow {
            line,
            fields,
            error,
        }))
    }

    fn column_name(&self, i: usize) -> &str {
        self.headers.get(i).map(|s| s.as_str()).unwrap_or("row")
    }
}

fn csv_err(file: &str, e: csv::Error) -> IngestError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let text = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => IngestError::io(file, io),
        _ => IngestError::Header(RowError::new(file, line, "row", text)),
    }
}

/// A data row with named access, for the per-format column mappings.
pub struct Row<'a> {
    /// File name for messages.
    pub file: &'a str,
    /// Line where the record starts.
    pub line: u64,
    /// The header names, in order.
    pub headers: &'a [String],
    /// Lower-case column name → index.
    pub index: &'a HashMap<String, usize>,
    /// The fields.
    pub fields: &'a [String],
}

impl<'a> Row<'a> {
    /// The raw text of a column ("" when the column is absent), untrimmed. `col` is a
    /// lower-case column name.
    pub fn raw(&self, col: &str) -> &'a str {
        self.index
            .get(col)
            .and_then(|i| self.fields.get(*i))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    /// The trimmed text of a column.
    pub fn get(&self, col: &str) -> &'a str {
        self.raw(col).trim()
    }

    /// The trimmed text, or `None` when empty.
    pub fn opt(&self, col: &str) -> Option<String> {
        let s = self.get(col);
        (!s.is_empty()).then(|| s.to_string())
    }

    /// A row error on `col`.
    pub fn err(&self, col: &str, reason: impl Into<String>) -> RowError {
        RowError::new(self.file, self.line, col, reason)
    }

    /// A required non-negative whole number.
    pub fn u32(&self, col: &str) -> Result<u32, RowError> {
        let s = self.get(col);
        s.parse::<u32>()
            .map_err(|_| self.err(col, format!("'{s}' is not a non-negative whole number")))
    }

    /// An optional non-negative whole number (empty → `None`).
    pub fn opt_u32(&self, col: &str) -> Result<Option<u32>, RowError> {
        if self.get(col).is_empty() {
            Ok(None)
        } else {
            self.u32(col).map(Some)
        }
    }

    /// A required small code (e.g. a precision 1–7).
    pub fn u8(&self, col: &str) -> Result<u8, RowError> {
        let s = self.get(col);
        s.parse::<u8>()
            .map_err(|_| self.err(col, format!("'{s}' is not a whole number")))
    }

    /// An optional latitude, checked to lie in −90..90.
    pub fn latitude(&self, col: &str) -> Result<Option<f64>, RowError> {
        self.coord(col, veille_model::validate::check_latitude)
    }

    /// An optional longitude, checked to lie in −180..180.
    pub fn longitude(&self, col: &str) -> Result<Option<f64>, RowError> {
        self.coord(col, veille_model::validate::check_longitude)
    }

    fn coord(&self, col: &str, check: fn(f64) -> Option<String>) -> Result<Option<f64>, RowError> {
        let s = self.get(col);
        if s.is_empty() {
            return Ok(None);
        }
        // A decimal comma ("14,5") is what spreadsheets write in French locales.
        let v: f64 = s
            .parse()
            .or_else(|_| s.replacen(',', ".", 1).parse())
            .map_err(|_| self.err(col, format!("'{s}' is not a number")))?;
        match check(v) {
            Some(r) => Err(self.err(col, r)),
            None => Ok(Some(v)),
        }
    }

    /// The whole row, column → raw text, for [`veille_model::Provenance::original`].
    pub fn original(&self) -> std::collections::BTreeMap<String, String> {
        self.headers
            .iter()
            .zip(self.fields.iter())
            .map(|(h, f)| (h.clone(), f.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_is_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1;2;3;4;5\n"), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"\"x,y\";b;c\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b""), b',');
    }

    #[test]
    fn semicolon_files_from_excel_read_like_comma_files() {
        let text = "\u{feff}id;name\n1;\"Ségou; centre\"\n";
        let mut rows = CsvRows::new("x.csv", text.as_bytes()).unwrap();
        assert_eq!(rows.headers(), ["id", "name"]);
        let r = rows.next_row().unwrap().unwrap();
        assert!(r.error.is_none());
        assert_eq!(r.fields, ["1", "Ségou; centre"]);
    }

    #[test]
    fn decimal_commas_are_accepted_in_coordinates() {
        let headers = vec!["latitude".to_string()];
        let index = [("latitude".to_string(), 0)].into_iter().collect();
        let fields = vec!["14,5".to_string()];
        let row = Row {
            file: "x.csv",
            line: 2,
            headers: &headers,
            index: &index,
            fields: &fields,
        };
        assert_eq!(row.latitude("latitude"), Ok(Some(14.5)));
    }
}
