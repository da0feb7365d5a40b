//! Corrected commit dates (generation number v2) from the commit-graph's `GDA2`/`GDO2` chunks.
//! gix reads the commit-graph but not these chunks, so this reads just them: four bytes per
//! commit, indexed by the same position gix's `Graph` uses (files of a chain, base first).
//!
//! The corrected date of a commit is at least its committer date and greater than the corrected
//! date of each parent, so a commit whose corrected date is before a bound has no ancestor
//! dated at or after it: an exact reason to stop walking there.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

const SIGNATURE: &[u8; 4] = b"CGPH";
const GDA2: u32 = u32::from_be_bytes(*b"GDA2");
const GDO2: u32 = u32::from_be_bytes(*b"GDO2");
const OIDF: u32 = u32::from_be_bytes(*b"OIDF");
/// The most chunks a commit-graph file has today is nine; more means a corrupt table.
const MAX_CHUNKS: usize = 64;

/// The generation data of every file of a commit-graph, or `None` when any file lacks it (git
/// then uses none of it either).
#[derive(Debug)]
pub struct CorrectedDates {
    layers: Vec<Layer>,
}

#[derive(Debug)]
struct Layer {
    commits: u32,
    file: File,
    /// Where the GDA2 chunk starts, and its length.
    offsets_at: u64,
    offsets_len: u64,
    /// The GDO2 chunk (rarely more than a few entries), read up front.
    overflow: Vec<u8>,
    /// The whole GDA2 chunk, once enough lookups were made to make reading it cheaper than
    /// reading entries one by one (a recent window needs a handful; an old one, most of them).
    offsets: std::cell::OnceCell<Option<Vec<u8>>>,
    lookups: std::cell::Cell<u32>,
}

/// Lookups answered by reading single entries before the whole chunk is read.
const LAZY_LOOKUPS: u32 = 512;

impl Layer {
    fn offset_entry(&self, local: u32) -> Option<u32> {
        let i = u64::from(local) * 4;
        if i + 4 > self.offsets_len {
            return None;
        }
        let n = self.lookups.get();
        if n < LAZY_LOOKUPS && self.offsets.get().is_none() {
            self.lookups.set(n + 1);
            let mut buf = [0u8; 4];
            read_at(&self.file, &mut buf, self.offsets_at + i)?;
            return Some(u32::from_be_bytes(buf));
        }
        let all = self
            .offsets
            .get_or_init(|| {
                let mut buf = vec![0u8; usize::try_from(self.offsets_len).ok()?];
                read_at(&self.file, &mut buf, self.offsets_at)?;
                Some(buf)
            })
            .as_ref()?;
        let i = usize::try_from(i).ok()?;
        Some(u32::from_be_bytes(all.get(i..i + 4)?.try_into().ok()?))
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> Option<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at).ok()
}

#[cfg(not(unix))]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> Option<()> {
    let mut f = file.try_clone().ok()?;
    f.seek(SeekFrom::Start(at)).ok()?;
    f.read_exact(buf).ok()
}

impl CorrectedDates {
    /// Reads the generation data of the commit-graph in `objects_dir/info`, the way git finds it:
    /// `info/commit-graph`, else the chain in `info/commit-graphs/`.
    pub fn open(objects_dir: &Path) -> Option<Self> {
        let info = objects_dir.join("info");
        let single = info.join("commit-graph");
        let files: Vec<PathBuf> = if single.is_file() {
            vec![single]
        } else {
            let dir = info.join("commit-graphs");
            let chain = std::fs::read_to_string(dir.join("commit-graph-chain")).ok()?;
            chain
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|hash| dir.join(format!("graph-{hash}.graph")))
                .collect()
        };
        if files.is_empty() {
            return None;
        }
        let layers = files
            .iter()
            .map(|f| read_layer(f))
            .collect::<Option<Vec<_>>>()?;
        Some(Self { layers })
    }

    /// The corrected date of the commit at gix's global `position` whose committer timestamp in
    /// the graph is `commit_time`.
    pub fn corrected(&self, position: u32, commit_time: u64) -> Option<u64> {
        let mut local = position;
        for layer in &self.layers {
            if local < layer.commits {
                let raw = layer.offset_entry(local)?;
                let offset = if raw & 0x8000_0000 == 0 {
                    u64::from(raw)
                } else {
                    let j = (raw & 0x7fff_ffff) as usize * 8;
                    u64::from_be_bytes(layer.overflow.get(j..j + 8)?.try_into().ok()?)
                };
                return commit_time.checked_add(offset);
            }
            local -= layer.commits;
        }
        None
    }
}

fn read_layer(path: &Path) -> Option<Layer> {
    let mut file = File::open(path).ok()?;
    let mut header = [0u8; 8];
    file.read_exact(&mut header).ok()?;
    if &header[..4] != SIGNATURE || header[4] != 1 {
        return None;
    }
    let chunks = usize::from(header[6]);
    if chunks > MAX_CHUNKS {
        return None;
    }
    // The table has one entry more than chunks: its terminator gives the end of the last one.
    let mut table = vec![0u8; (chunks + 1) * 12];
    file.read_exact(&mut table).ok()?;
    let entries: Vec<(u32, u64)> = table
        .chunks_exact(12)
        .map(|e| {
            let id = u32::from_be_bytes([e[0], e[1], e[2], e[3]]);
            let offset = u64::from_be_bytes([e[4], e[5], e[6], e[7], e[8], e[9], e[10], e[11]]);
            (id, offset)
        })
        .collect();
    let chunk = |wanted: u32| -> Option<(u64, u64)> {
        let i = entries[..chunks].iter().position(|(id, _)| *id == wanted)?;
        let (start, end) = (entries[i].1, entries[i + 1].1);
        (end >= start).then_some((start, end - start))
    };
    let mut read_chunk = |(start, len): (u64, u64)| -> Option<Vec<u8>> {
        // A corrupt table must not make us allocate gigabytes.
        if len > 1 << 32 {
            return None;
        }
        let mut buf = vec![0u8; usize::try_from(len).ok()?];
        file.seek(SeekFrom::Start(start)).ok()?;
        file.read_exact(&mut buf).ok()?;
        Some(buf)
    };
    let fanout = read_chunk(chunk(OIDF)?)?;
    let commits = u32::from_be_bytes(fanout.get(1020..1024)?.try_into().ok()?);
    let (offsets_at, offsets_len) = chunk(GDA2)?;
    if offsets_len < u64::from(commits) * 4 {
        return None;
    }
    let overflow = match chunk(GDO2) {
        Some(c) => read_chunk(c)?,
        None => Vec::new(),
    };
    Some(Layer {
        commits,
        file,
        offsets_at,
        offsets_len,
        overflow,
        offsets: std::cell::OnceCell::new(),
        lookups: std::cell::Cell::new(0),
    })
}
