//! Reading a log: a file, gzip or not (by its magic bytes, not its name), or standard input
//! (`-`); and splitting it into lines in a fixed-size buffer, so that memory does not grow with
//! the file or with one absurdly long line (cut at [`MAX_LINE`]).

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use flate2::bufread::MultiGzDecoder;

use crate::error::{Error, Result};

/// Lines longer than this are cut (the rest of the line is skipped, and counted).
pub const MAX_LINE: usize = 64 * 1024;

/// How much is read at a time.
const CHUNK: usize = 256 * 1024;

/// An opened log: its bytes (decompressed) and when it was last written.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    /// The file's modification time, or now for standard input: the year of syslog lines is
    /// guessed from it when neither a window nor `--year` says.
    pub modified: DateTime<Utc>,
}

impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opened")
            .field("modified", &self.modified)
            .finish_non_exhaustive()
    }
}

/// Opens `path` (`-` is standard input). Errors name `shown`, the path as the user wrote it.
pub fn open(path: &Path, shown: &Path) -> Result<Opened> {
    let (raw, modified): (Box<dyn Read + Send>, _) = if path.as_os_str() == "-" {
        (Box::new(io::stdin()), Utc::now())
    } else {
        let file = File::open(path).map_err(|e| Error::io(shown, e))?;
        let meta = file.metadata().map_err(|e| Error::io(shown, e))?;
        if meta.is_dir() {
            return Err(Error::io(
                shown,
                io::Error::new(io::ErrorKind::IsADirectory, "is a folder, not a log file"),
            ));
        }
        let modified = meta
            .modified()
            .map_or_else(|_| Utc::now(), DateTime::<Utc>::from);
        (Box::new(file), modified)
    };
    // A small buffer only to look at the first bytes: the line reader's big reads bypass it.
    let mut peek = BufReader::with_capacity(64 * 1024, raw);
    let head = peek.fill_buf().map_err(|e| Error::io(shown, e))?;
    let reader: Box<dyn Read + Send> = if head.starts_with(&[0x1f, 0x8b]) {
        Box::new(MultiGzDecoder::new(peek))
    } else {
        Box::new(peek)
    };
    Ok(Opened { reader, modified })
}

/// Lines of a reader, without their `\n` or `\r\n`, borrowed from one reused buffer.
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`; `buf[start..scanned]` has no newline.
    start: usize,
    scanned: usize,
    end: usize,
    eof: bool,
    /// Skipping the rest of a line that was cut.
    skipping: bool,
    /// Lines cut at [`MAX_LINE`].
    pub cut: u64,
}

impl<R> fmt::Debug for LineReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineReader")
            .field("buffered", &(self.end - self.start))
            .field("eof", &self.eof)
            .finish_non_exhaustive()
    }
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; CHUNK + MAX_LINE],
            start: 0,
            scanned: 0,
            end: 0,
            eof: false,
            skipping: false,
            cut: 0,
        }
    }

    /// The next line, or `None` at the end.
    pub fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        let (from, to) = loop {
            if let Some(pos) = find_newline(&self.buf[self.scanned..self.end]) {
                let nl = self.scanned + pos;
                let from = self.start;
                self.start = nl + 1;
                self.scanned = self.start;
                if self.skipping {
                    self.skipping = false;
                    continue;
                }
                break (from, nl);
            }
            self.scanned = self.end;
            let pending = self.end - self.start;
            if self.skipping {
                // Throw away what is buffered of the long line.
                self.start = self.end;
            } else if pending > MAX_LINE {
                // Cut (below); the rest of the line is dropped, now and until its newline.
                let from = self.start;
                self.start = self.end;
                self.skipping = true;
                break (from, self.end);
            }
            if self.eof {
                if self.start == self.end {
                    return Ok(None);
                }
                let from = self.start;
                self.start = self.end;
                break (from, self.end);
            }
            self.fill()?;
        };
        let mut line = &self.buf[from..to];
        if line.len() > MAX_LINE {
            line = &line[..MAX_LINE];
            self.cut += 1;
        } else if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        Ok(Some(line))
    }

    /// Moves the unread bytes to the front and reads more after them.
    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.scanned -= self.start;
            self.start = 0;
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// The first `\n`, eight bytes at a time.
fn find_newline(hay: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let mut chunks = hay.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])) ^ NEWLINES;
        // The lowest set bit marks the first zero byte, i.e. the first newline.
        let zero = word.wrapping_sub(ONES) & !word & HIGHS;
        if zero != 0 {
            return Some(offset + (zero.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == b'\n')
        .map(|p| offset + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> (Vec<Vec<u8>>, u64) {
        let mut r = LineReader::new(input);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push(l.to_vec());
        }
        (out, r.cut)
    }

    #[test]
    fn splits_lines() {
        let (l, cut) = lines(b"a\nbb\r\n\nlast");
        assert_eq!(
            l,
            vec![
                b"a".to_vec(),
                b"bb".to_vec(),
                b"".to_vec(),
                b"last".to_vec()
            ]
        );
        assert_eq!(cut, 0);
        assert!(lines(b"").0.is_empty());
        assert_eq!(lines(b"x\n").0, vec![b"x".to_vec()]);
    }

    #[test]
    fn long_lines_are_cut_and_the_rest_skipped() {
        let mut input = vec![b'x'; MAX_LINE * 3 + 17];
        input.extend_from_slice(b"\nnext\n");
        input.extend(vec![b'y'; CHUNK * 2]);
        let (l, cut) = lines(&input);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].len(), MAX_LINE);
        assert_eq!(l[1], b"next");
        assert_eq!(l[2].len(), MAX_LINE);
        assert_eq!(cut, 2);
    }

    #[test]
    fn lines_across_reads() {
        // A reader that returns one byte at a time.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some((&first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buf[0] = first;
                self.0 = rest;
                Ok(1)
            }
        }
        let mut r = LineReader::new(Trickle(b"one\ntwo\nthree"));
        let mut got = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            got.push(String::from_utf8(l.to_vec()).unwrap());
        }
        assert_eq!(got, ["one", "two", "three"]);
    }

    #[test]
    fn newline_search() {
        for len in 0..40 {
            for at in 0..len {
                let mut hay = vec![b'a'; len];
                hay[at] = b'\n';
                if at + 1 < len {
                    hay[at + 1] = b'\n';
                }
                assert_eq!(find_newline(&hay), Some(at), "{len} {at}");
            }
            assert_eq!(find_newline(&vec![0xff; len]), None);
        }
        // Bytes just above and below `\n` are not newlines.
        assert_eq!(find_newline(b"\x09\x0b\x8a\x0a"), Some(3));
    }
}
