//! Every commit in the repository's packs, decoded in parallel into a table of parents and dates.
//!
//! Without generation data an exact window walk must read every reachable commit, as `git
//! rev-list --since-as-filter` does. Read one at a time in walk order through the object
//! database, that costs more than git (an index lookup, a cache and an allocation per commit).
//! Here the packs' entries are scanned on all cores instead — pack offset order, commits only,
//! headers only — and the walk then runs in memory.
//!
//! The table is a cache of object reads, never the source of truth: a commit it does not hold
//! (a loose object, a commit stored as a delta of a delta, an entry that does not decode) is read
//! through the object database by the walk, with the errors that gives.

use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::odb::pack;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use rayon::prelude::*;

/// A commit's parents and the two dates a window can filter on, as the walk needs them.
#[derive(Debug, Clone, Copy)]
pub struct Dates {
    pub committer: i64,
    pub author: i64,
}

impl Dates {
    /// The date a window on `kind` filters on.
    pub fn of(&self, kind: super::commits::DateKind) -> i64 {
        match kind {
            super::commits::DateKind::Committer => self.committer,
            super::commits::DateKind::Author => self.author,
        }
    }
}

/// What the walk needs of one commit object: parents, committer and author time (0 when a
/// signature does not parse, as before). Shared by the table and the one-by-one reads, so both
/// see a commit the same way.
pub fn parse(data: &[u8], hash: gix::hash::Kind, parents: &mut Vec<ObjectId>) -> Dates {
    use gix::objs::commit::ref_iter::Token;
    let seconds = |sig: gix::actor::SignatureRef<'_>| sig.time().map_or(0, |t| t.seconds);
    let mut dates = Dates {
        committer: 0,
        author: 0,
    };
    for token in gix::objs::CommitRefIter::from_bytes(data, hash) {
        match token {
            Ok(Token::Parent { id }) => parents.push(id),
            Ok(Token::Author { signature }) => dates.author = seconds(signature),
            Ok(Token::Committer { signature }) => {
                dates.committer = seconds(signature);
                break;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    dates
}

/// The commits found in the packs, by id. They stay in the chunks the tasks decoded them into
/// (no copy); a slot says which chunk and where in it.
#[derive(Debug, Default)]
pub struct PackedCommits {
    index: gix::hashtable::HashMap<ObjectId, Slot>,
    chunks: Vec<Chunk>,
}

#[derive(Debug, Clone, Copy)]
struct Row {
    dates: Dates,
    /// The commit's parents: `parents[first..first + count]` of its chunk.
    first: u32,
    count: u32,
}

/// A commit of the table: its chunk (high bits) and its row in the chunk (low `CHUNK_BITS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(u32);

impl Slot {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    fn chunk(self) -> usize {
        (self.0 >> CHUNK_BITS) as usize
    }

    fn row(self) -> usize {
        (self.0 & ((1 << CHUNK_BITS) - 1)) as usize
    }
}

/// The commits decoded by one task.
#[derive(Debug, Default)]
struct Chunk {
    ids: Vec<ObjectId>,
    rows: Vec<Row>,
    parents: Vec<ObjectId>,
}

/// Larger commit objects are left to the object database (they are rare, and a corrupt header
/// must not make us allocate much).
const MAX_COMMIT: u64 = 1 << 20;
/// Index entries per task (2^CHUNK_BITS): large enough to amortise the task, small enough to
/// balance the cores.
const CHUNK_BITS: u32 = 14;

impl PackedCommits {
    /// Scans the packs of `objects_dirs` (the repository's and its alternates'). Packs that do not
    /// open are skipped: their commits are read through the object database instead.
    pub fn scan(objects_dirs: &[PathBuf], hash: gix::hash::Kind) -> Self {
        let bundles: Vec<pack::Bundle> = objects_dirs
            .iter()
            .flat_map(|dir| pack_indices(dir))
            .filter_map(|idx| pack::Bundle::at(idx, hash).ok())
            .collect();
        let orders: Vec<Order> = bundles.iter().map(offset_order).collect();
        let jobs: Vec<Job<'_>> = bundles
            .iter()
            .zip(&orders)
            .enumerate()
            .flat_map(|(pack, (bundle, order))| {
                let total = bundle.index.num_objects() as usize;
                (0..total.div_ceil(1 << CHUNK_BITS)).map(move |n| Job {
                    pack,
                    n,
                    bundle,
                    order,
                    range: n << CHUNK_BITS..total.min((n + 1) << CHUNK_BITS),
                })
            })
            .collect();
        // Slots must fit in 32 bits; anything beyond is read through the object database.
        let jobs = &jobs[..jobs.len().min(1 << (32 - CHUNK_BITS))];
        let chunks = run_jobs(jobs, bundles.len(), hash);
        let mut index = gix::hashtable::HashMap::default();
        index.reserve(chunks.iter().map(|c| c.ids.len()).sum());
        for (c, chunk) in (0u32..).zip(&chunks) {
            for (r, id) in (0u32..).zip(&chunk.ids) {
                // The same commit in two packs is the same object: the first is kept.
                index.entry(*id).or_insert(Slot(c << CHUNK_BITS | r));
            }
        }
        Self { index, chunks }
    }

    pub fn slot(&self, id: &gix::oid) -> Option<Slot> {
        self.index.get(id).copied()
    }

    /// One more than the largest slot index.
    pub fn slots(&self) -> usize {
        self.chunks.len() << CHUNK_BITS
    }

    pub fn id(&self, slot: Slot) -> ObjectId {
        self.chunks[slot.chunk()].ids[slot.row()]
    }

    pub fn dates(&self, slot: Slot) -> Dates {
        self.chunks[slot.chunk()].rows[slot.row()].dates
    }

    pub fn parents(&self, slot: Slot) -> &[ObjectId] {
        let chunk = &self.chunks[slot.chunk()];
        let row = chunk.rows[slot.row()];
        let start = row.first as usize;
        chunk
            .parents
            .get(start..start + row.count as usize)
            .unwrap_or_default()
    }
}

/// One task: a run of a pack's entries in offset order, the `n`th of its pack.
struct Job<'b> {
    pack: usize,
    n: usize,
    bundle: &'b pack::Bundle,
    order: &'b Order,
    /// Which entries, by their place in pack order.
    range: std::ops::Range<usize>,
}

impl Job<'_> {
    /// The index positions of the job's entries, in pack order. A reverse index is read here, in
    /// the job, and only as far as the scan gets; positions it gets wrong are dropped.
    fn entries(&self, out: &mut Vec<u32>) {
        out.clear();
        match self.order {
            Order::Sorted(order) => out.extend_from_slice(&order[self.range.clone()]),
            Order::Reverse(file) => {
                let mut bytes = vec![0u8; self.range.len() * 4];
                let at = 12 + 4 * self.range.start as u64;
                if read_at(file, &mut bytes, at).is_some() {
                    let n = self.bundle.index.num_objects();
                    out.extend(
                        bytes
                            .chunks_exact(4)
                            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                            .filter(|i| *i < n),
                    );
                }
            }
        }
    }
}

/// A pack's entries in offset order: git's reverse index, or the offsets sorted here.
enum Order {
    Reverse(std::fs::File),
    Sorted(Vec<u32>),
}

/// What is known of a job's entries: whether they held commits.
const UNKNOWN: u8 = 0;
const COMMITS: u8 = 1;
const NO_COMMITS: u8 = 2;

/// Runs the jobs on every core, handed out in order. git writes a pack's commits before its trees
/// and blobs, so once a run without commits follows a run with some, the rest of that pack is
/// left unread: about four fifths of a typical pack's entries. Should a pack hold commits further
/// on after all, the walk reads them through the object database — slower, never wrong.
fn run_jobs(jobs: &[Job<'_>], packs: usize, hash: gix::hash::Kind) -> Vec<Chunk> {
    let next = AtomicUsize::new(0);
    let seen: Vec<AtomicU8> = jobs.iter().map(|_| AtomicU8::new(UNKNOWN)).collect();
    let stop: Vec<AtomicUsize> = (0..packs).map(|_| AtomicUsize::new(usize::MAX)).collect();
    let done = Mutex::new(Vec::new());
    rayon::scope(|scope| {
        for _ in 0..rayon::current_num_threads() {
            scope.spawn(|_| {
                let mut inflate = gix::zlib::Inflate::default();
                let mut buf = Vec::new();
                let mut entries = Vec::new();
                let mut mine = Vec::new();
                loop {
                    let j = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(j) else { break };
                    if job.n > stop[job.pack].load(Ordering::SeqCst) {
                        continue;
                    }
                    job.entries(&mut entries);
                    let chunk = scan_entries(job.bundle, &entries, hash, &mut inflate, &mut buf);
                    let found = if chunk.ids.is_empty() {
                        NO_COMMITS
                    } else {
                        COMMITS
                    };
                    seen[j].store(found, Ordering::SeqCst);
                    // The boundary is a job without commits right after one with commits; whichever
                    // of the two finishes last sees the other (both store, then load).
                    let boundary = if found == NO_COMMITS {
                        (job.n > 0 && seen[j - 1].load(Ordering::SeqCst) == COMMITS)
                            .then_some(job.n)
                    } else {
                        jobs.get(j + 1)
                            .filter(|next| next.pack == job.pack)
                            .filter(|_| seen[j + 1].load(Ordering::SeqCst) == NO_COMMITS)
                            .map(|next| next.n)
                    };
                    if let Some(n) = boundary {
                        stop[job.pack].fetch_min(n, Ordering::SeqCst);
                    }
                    if found == COMMITS {
                        mine.push(chunk);
                    }
                }
                if let Ok(mut done) = done.lock() {
                    done.append(&mut mine);
                }
            });
        }
    });
    done.into_inner().unwrap_or_default()
}

/// The `*.idx` files of `objects_dir/pack` that have their `*.pack`.
fn pack_indices(objects_dir: &Path) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(objects_dir.join("pack")) else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "idx") && p.with_extension("pack").is_file())
        .collect()
}

/// The index entries in the order of their offsets in the pack: reading the pack front to back
/// is much faster than jumping around it in id order. git writes that order next to the pack
/// (`pack-*.rev`, its reverse index); without one, the offsets are sorted here.
fn offset_order(bundle: &pack::Bundle) -> Order {
    let index = &bundle.index;
    if let Some(file) = reverse_index(&bundle.index.path().with_extension("rev"), index) {
        return Order::Reverse(file);
    }
    let mut order: Vec<(u64, u32)> = (0..index.num_objects())
        .map(|i| (index.pack_offset_at_index(i), i))
        .collect();
    order.par_sort_unstable();
    Order::Sorted(order.into_iter().map(|(_, i)| i).collect())
}

/// Opens a `pack-*.rev` file: `RIDX`, version 1, the hash id, then one index position per object
/// in pack order, then two checksums. Any doubt and it is not used: it only sets an order, and
/// every position read from it is checked against the index.
fn reverse_index(path: &Path, index: &pack::index::File) -> Option<std::fs::File> {
    let file = std::fs::File::open(path).ok()?;
    let n = u64::from(index.num_objects());
    let hash_len = index.object_hash().len_in_bytes() as u64;
    let mut header = [0u8; 12];
    read_at(&file, &mut header, 0)?;
    let size = file.metadata().ok()?.len();
    (size == 12 + 4 * n + 2 * hash_len && &header[..8] == b"RIDX\0\0\0\x01").then_some(file)
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> Option<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at).ok()
}

#[cfg(not(unix))]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> Option<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file.try_clone().ok()?;
    f.seek(SeekFrom::Start(at)).ok()?;
    f.read_exact(buf).ok()
}

/// Room beyond the object in the output buffer: zlib's fast decoding loop runs only while this
/// much output space is left, and commit objects are small enough to otherwise never use it.
const INFLATE_SLACK: usize = 320;

/// Decompresses a (non-delta) commit entry, checking it yields exactly the size its header says.
fn inflate_commit<'b>(
    pack: &pack::data::File,
    entry: &pack::data::Entry,
    inflate: &mut gix::zlib::Inflate,
    buf: &'b mut Vec<u8>,
) -> Option<&'b [u8]> {
    let size = usize::try_from(entry.decompressed_size).ok()?;
    let input = pack.entry_slice(entry.data_offset..pack.pack_end() as u64)?;
    buf.resize(size + INFLATE_SLACK, 0);
    inflate.reset();
    let (status, _, written) = inflate.once(input, buf).ok()?;
    (status == gix::zlib::Status::StreamEnd && written == size).then(|| &buf[..size])
}

fn scan_entries(
    bundle: &pack::Bundle,
    entries: &[u32],
    hash: gix::hash::Kind,
    inflate: &mut gix::zlib::Inflate,
    buf: &mut Vec<u8>,
) -> Chunk {
    use pack::data::entry::Header;
    // Room for every entry being a commit with two parents: growing these vectors costs more
    // (fresh pages, copies) than reserving what is never touched.
    let mut out = Chunk {
        ids: Vec::with_capacity(entries.len()),
        rows: Vec::with_capacity(entries.len()),
        parents: Vec::with_capacity(entries.len() * 2),
    };
    for &i in entries {
        let Ok(entry) = bundle.pack.entry(bundle.index.pack_offset_at_index(i)) else {
            continue;
        };
        let data: &[u8] = match entry.header {
            Header::Commit if entry.decompressed_size <= MAX_COMMIT => {
                match inflate_commit(&bundle.pack, &entry, inflate, buf) {
                    Some(data) => data,
                    None => continue,
                }
            }
            // git deltifies commits only against commits; one hop tells a commit delta from
            // the many tree deltas cheaply. Longer chains are left to the object database.
            Header::OfsDelta { base_distance } => {
                let is_commit = entry
                    .checked_base_pack_offset(base_distance)
                    .and_then(|base| bundle.pack.entry(base).ok())
                    .is_some_and(|base| base.header == Header::Commit);
                if !is_commit {
                    continue;
                }
                match bundle.get_object_by_index(i, buf, inflate, &mut pack::cache::Never) {
                    Ok((object, _)) if object.kind == gix::object::Kind::Commit => object.data,
                    _ => continue,
                }
            }
            _ => continue,
        };
        let first = out.parents.len();
        let dates = parse(data, hash, &mut out.parents);
        let (Ok(first), Ok(count)) = (
            u32::try_from(first),
            u32::try_from(out.parents.len() - first),
        ) else {
            out.parents.truncate(first);
            continue;
        };
        out.ids.push(bundle.index.oid_at_index(i).to_owned());
        out.rows.push(Row {
            dates,
            first,
            count,
        });
    }
    out
}
