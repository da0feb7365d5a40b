//! The commits of an incident window: an exact walk (the commits `git rev-list
//! --since-as-filter=START --until=END` lists, in its order, on any history — clock skew
//! included), then the details of the commits shown: people and times with offsets, summary,
//! parents, tags, revert markers and the first-parent changes.
//!
//! The walk follows git's own: a queue ordered by committer date (newest first, ties in the order
//! they were queued), every parent queued once. `--since` alone is not exact: git stops at a
//! commit older than the bound and never sees a newer commit behind it. pm only stops early
//! where it is provably safe: a commit whose corrected commit date (commit-graph generation data
//! v2) is before START has no ancestor at or after START. Without generation data every
//! reachable commit is visited, as with `--since-as-filter`, but only its parents and dates are
//! read: from the commit-graph when present, else from a table that `packed_commits` decodes
//! from the packs on all cores before the walk (a commit it does not hold is read from the
//! object database, one at a time).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};
use gix::ObjectId;
use gix::bstr::ByteSlice;
use serde::Serialize;

use super::graph_dates::CorrectedDates;
use super::packed_commits::{self, Dates, PackedCommits, Slot};
use crate::error::{Error, Result};

/// Which date a window filters on. The walk order is always by committer date, as git's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateKind {
    #[default]
    Committer,
    Author,
}

/// What to walk: tips and an inclusive window in seconds since the epoch.
#[derive(Debug, Clone, Default)]
pub struct WalkSpec {
    /// Revisions to start from (`HEAD` when empty and not `all`).
    pub revs: Vec<String>,
    /// Every ref, as `git rev-list --all`.
    pub all: bool,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub date: DateKind,
}

/// The shallow boundary the walk ran into: history beyond it is missing.
#[derive(Debug, Clone, Serialize)]
pub struct ShallowBoundary {
    /// The boundary commit reached.
    pub commit: String,
    /// Its committer date.
    pub date: DateTime<FixedOffset>,
}

/// The commits in the window, in walk order, and how the walk went.
#[derive(Debug, Clone)]
pub struct Walk {
    pub ids: Vec<ObjectId>,
    /// The committer time of each of `ids`.
    pub times: Vec<i64>,
    /// Commits read during the walk.
    pub visited: usize,
    /// Whether corrected commit dates let the walk stop early.
    pub used_generation_data: bool,
    /// Whether the repository has a commit-graph with generation data at all.
    pub generation_available: bool,
    /// Set when a shallow boundary was reached without proof that nothing lies beyond it.
    pub shallow: Option<ShallowBoundary>,
}

/// Opens the repository at (or above) `path`, with errors that say what to do.
pub fn open(path: &Path) -> Result<gix::Repository> {
    let fail = |message: String| Error::Git {
        path: path.to_owned(),
        message,
    };
    if !path.exists() {
        return Err(fail("no such directory".into()));
    }
    let repo = gix::discover(path).map_err(|e| fail(format!("not a git repository ({e})")))?;
    let mut repo = repo;
    repo.object_cache_size_if_unset(4 * 1024 * 1024);
    Ok(repo)
}

/// A commit's parents and the dates the walk needs, for a commit read from its object.
struct Node {
    parents: Vec<ObjectId>,
    dates: Dates,
}

/// A commit in the queue: by its position in the commit-graph or its slot in the table of packed
/// commits (cheap: no hashing, no object read), or by id when neither has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Pos(u32),
    Tab(Slot),
    Obj(ObjectId),
}

struct Reader<'r> {
    repo: &'r gix::Repository,
    /// The commit-graph, unless the window filters on author dates (the graph has none).
    graph: Option<gix::commitgraph::Graph>,
    generation: Option<CorrectedDates>,
    /// Without a graph every reachable commit is read: all packed ones at once, in parallel.
    table: Option<PackedCommits>,
}

impl Reader<'_> {
    /// Reads what the walk needs from the commit object (parents, dates), and nothing else.
    fn node(&self, id: ObjectId) -> Result<Node> {
        let object = self
            .repo
            .find_object(id)
            .map_err(|e| self.missing(id, &e))?;
        if object.kind != gix::object::Kind::Commit {
            return Err(self.error(id, &format!("is a {}, not a commit", object.kind)));
        }
        let mut parents = Vec::new();
        let dates = packed_commits::parse(&object.data, self.repo.object_hash(), &mut parents);
        Ok(Node { parents, dates })
    }

    fn key(&self, id: ObjectId) -> Key {
        if let Some(pos) = self.graph.as_ref().and_then(|g| g.lookup(id)) {
            return Key::Pos(pos.0);
        }
        match self.table.as_ref().and_then(|t| t.slot(&id)) {
            Some(slot) => Key::Tab(slot),
            None => Key::Obj(id),
        }
    }

    fn id(&self, key: Key) -> ObjectId {
        match (key, &self.graph, &self.table) {
            (Key::Pos(p), Some(g), _) => g.id_at(gix::commitgraph::Position(p)).to_owned(),
            (Key::Tab(slot), _, Some(t)) => t.id(slot),
            (Key::Obj(id), _, _) => id,
            _ => ObjectId::null(self.repo.object_hash()),
        }
    }

    fn error(&self, id: ObjectId, what: &str) -> Error {
        Error::Git {
            path: self.repo.git_dir().to_owned(),
            message: format!("commit {id}: {what}"),
        }
    }

    fn missing(&self, id: ObjectId, e: &dyn std::fmt::Display) -> Error {
        self.error(
            id,
            &format!(
                "cannot be read ({e}); the repository is missing objects — `git fsck` shows what, and a fresh fetch or clone restores them"
            ),
        )
    }
}

/// The walk's state: git's queue (newest committer date first, ties in the order queued) and
/// what has been queued already.
struct Queue<'r, 'g> {
    reader: &'g Reader<'r>,
    heap: BinaryHeap<(i64, Reverse<u64>, Key)>,
    seq: u64,
    seen_pos: Vec<bool>,
    seen_tab: Vec<bool>,
    seen_obj: HashSet<ObjectId>,
    nodes: HashMap<ObjectId, Node>,
}

impl Queue<'_, '_> {
    /// Queues a commit unless it was queued before.
    fn push(&mut self, key: Key) -> Result<()> {
        let date = match key {
            Key::Pos(p) => {
                let seen = self.seen_pos.get_mut(p as usize);
                match seen {
                    Some(s) if !*s => *s = true,
                    _ => return Ok(()),
                }
                let graph = self.reader.graph.as_ref().map(|g| {
                    g.commit_at(gix::commitgraph::Position(p))
                        .committer_timestamp()
                });
                graph.map_or(0, |t| i64::try_from(t).unwrap_or(i64::MAX))
            }
            Key::Tab(slot) => {
                let seen = self.seen_tab.get_mut(slot.index());
                match seen {
                    Some(s) if !*s => *s = true,
                    _ => return Ok(()),
                }
                self.reader
                    .table
                    .as_ref()
                    .map_or(0, |t| t.dates(slot).committer)
            }
            Key::Obj(id) => {
                if !self.seen_obj.insert(id) {
                    return Ok(());
                }
                let node = self.reader.node(id)?;
                let date = node.dates.committer;
                self.nodes.insert(id, node);
                date
            }
        };
        self.heap.push((date, Reverse(self.seq), key));
        self.seq += 1;
        Ok(())
    }
}

/// Walks the commits of the window from the tips of `spec`.
pub fn walk(repo: &gix::Repository, spec: &WalkSpec) -> Result<Walk> {
    let graph = if spec.date == DateKind::Committer {
        repo.commit_graph_if_enabled().ok().flatten()
    } else {
        None
    };
    let tips = tips(repo, spec, graph.as_ref())?;
    let generation = graph
        .as_ref()
        .and_then(|_| CorrectedDates::open(repo.objects.store_ref().path()));
    let table = graph.is_none().then(|| {
        let store = repo.objects.store_ref();
        let mut dirs = vec![store.path().to_owned()];
        dirs.extend(store.alternate_db_paths().unwrap_or_default());
        PackedCommits::scan(&dirs, repo.object_hash())
    });
    let reader = Reader {
        repo,
        graph,
        generation,
        table,
    };
    let shallow: HashSet<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    // Pruning by corrected date is exact for the committer-date filter only.
    let prune_before = spec.since.filter(|_| spec.date == DateKind::Committer);
    let mut queue = Queue {
        reader: &reader,
        heap: BinaryHeap::new(),
        seq: 0,
        seen_pos: vec![
            false;
            reader
                .graph
                .as_ref()
                .map_or(0, |g| g.num_commits() as usize)
        ],
        seen_tab: vec![false; reader.table.as_ref().map_or(0, PackedCommits::slots)],
        seen_obj: HashSet::new(),
        nodes: HashMap::new(),
    };
    for id in tips {
        queue.push(reader.key(id))?;
    }
    let mut out = Vec::new();
    let mut times = Vec::new();
    let mut visited = 0usize;
    let mut used_generation_data = false;
    let mut boundary: Option<ShallowBoundary> = None;
    while let Some((committer, _, key)) = queue.heap.pop() {
        visited += 1;
        let (date, corrected, parents): (i64, Option<u64>, Vec<Key>) = match key {
            Key::Pos(p) => {
                let Some(graph) = reader.graph.as_ref() else {
                    continue;
                };
                let pos = gix::commitgraph::Position(p);
                let c = graph.commit_at(pos);
                let corrected = reader
                    .generation
                    .as_ref()
                    .and_then(|g| g.corrected(p, c.committer_timestamp()));
                let parents = c
                    .iter_parents()
                    .map(|r| r.map(|pp| Key::Pos(pp.0)))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(|e| {
                        reader.error(
                            graph.id_at(pos).to_owned(),
                            &format!("the commit-graph is corrupt ({e}); rewrite it with `git commit-graph write --reachable`"),
                        )
                    })?;
                (committer, corrected, parents)
            }
            Key::Tab(slot) => {
                let Some(table) = reader.table.as_ref() else {
                    continue;
                };
                let date = table.dates(slot).of(spec.date);
                let parents = table.parents(slot).iter().map(|p| reader.key(*p));
                (date, None, parents.collect())
            }
            Key::Obj(id) => {
                let Some(node) = queue.nodes.remove(&id) else {
                    continue;
                };
                (
                    node.dates.of(spec.date),
                    None,
                    node.parents.into_iter().map(|p| reader.key(p)).collect(),
                )
            }
        };
        if spec.since.is_none_or(|s| date >= s) && spec.until.is_none_or(|u| date <= u) {
            out.push(reader.id(key));
            times.push(committer);
        }
        if let (Some(bound), Some(corrected)) = (prune_before, corrected)
            && i64::try_from(corrected).is_ok_and(|c| c < bound)
        {
            used_generation_data = true;
            continue;
        }
        if !shallow.is_empty() {
            let id = reader.id(key);
            if shallow.contains(&id) {
                // Its parents are not here. A boundary dated before START could only hide
                // commits with skewed dates, which git cannot see either.
                if spec.since.is_none_or(|s| committer >= s)
                    && boundary
                        .as_ref()
                        .is_none_or(|b| committer > b.date.timestamp())
                {
                    boundary = Some(ShallowBoundary {
                        commit: id.to_string(),
                        date: to_datetime(committer, 0),
                    });
                }
                continue;
            }
        }
        for parent in parents {
            queue.push(parent)?;
        }
    }
    Ok(Walk {
        ids: out,
        times,
        visited,
        used_generation_data,
        generation_available: reader.generation.is_some(),
        shallow: boundary,
    })
}

/// The starting commits, in git's order: `--all` takes `HEAD` and every ref by name; revs as given.
/// The commits the walk starts from. A tip the commit-graph lists is a commit: it is taken
/// without reading its object, so a walk that the graph answers never opens a pack index (gix
/// checks the whole index when it opens one: on a large repository, more time than the walk).
fn tips(
    repo: &gix::Repository,
    spec: &WalkSpec,
    graph: Option<&gix::commitgraph::Graph>,
) -> Result<Vec<ObjectId>> {
    let fail = |message: String| Error::Git {
        path: repo.git_dir().to_owned(),
        message,
    };
    let mut tips = Vec::new();
    if spec.all {
        if let Ok(head) = repo.head_id() {
            tips.push(head.detach());
        }
        let refs = repo.references().map_err(|e| fail(e.to_string()))?;
        let mut named: Vec<(String, ObjectId)> = Vec::new();
        for r in refs.all().map_err(|e| fail(e.to_string()))? {
            let Ok(mut r) = r else { continue };
            let name = r.name().as_bstr().to_str_lossy().into_owned();
            if let Ok(id) = r.peel_to_id() {
                named.push((name, id.detach()));
            }
        }
        named.sort();
        for (_, id) in named {
            if let Some(c) = peel_to_commit(repo, graph, id) {
                tips.push(c);
            }
        }
        if tips.is_empty() {
            return Err(fail(
                "the repository has no commits yet (no refs point at a commit)".into(),
            ));
        }
        return Ok(tips);
    }
    let revs: Vec<String> = if spec.revs.is_empty() {
        vec!["HEAD".into()]
    } else {
        spec.revs.clone()
    };
    for rev in &revs {
        // HEAD is read as references only: gix's revision parser (and peeling) looks the
        // object up as well.
        let head = (rev == "HEAD").then(|| head_target(repo)).flatten();
        let id = match head {
            Some(id) => id,
            None => repo
                .rev_parse_single(rev.as_bytes().as_bstr())
                .map_err(|e| {
                    if rev == "HEAD" && repo.head().is_ok_and(|h| h.is_unborn()) {
                        fail("HEAD points to a branch with no commits yet (an empty repository or an unborn branch): commit first, or pass --rev".into())
                    } else {
                        fail(format!("cannot resolve `{rev}`: {e}"))
                    }
                })?
                .detach(),
        };
        let commit = peel_to_commit(repo, graph, id)
            .ok_or_else(|| fail(format!("`{rev}` does not point at a commit")))?;
        tips.push(commit);
    }
    Ok(tips)
}

/// The object HEAD names, read from the references alone (`None` when unborn, or when it takes
/// more than one symbolic step).
fn head_target(repo: &gix::Repository) -> Option<ObjectId> {
    match repo.head().ok()?.kind {
        gix::head::Kind::Symbolic(r) => r.target.try_id().map(ToOwned::to_owned),
        gix::head::Kind::Detached { target, .. } => Some(target),
        gix::head::Kind::Unborn(_) => None,
    }
}

fn peel_to_commit(
    repo: &gix::Repository,
    graph: Option<&gix::commitgraph::Graph>,
    id: ObjectId,
) -> Option<ObjectId> {
    if graph.is_some_and(|g| g.lookup(id).is_some()) {
        return Some(id);
    }
    let object = repo.find_object(id).ok()?;
    object
        .peel_tags_to_end()
        .ok()
        .and_then(|o| o.try_into_commit().ok())
        .map(|c| c.id)
}

/// A git time as a date with its offset; an offset chrono cannot hold (beyond ±24h, only in
/// corrupt commits) is shown as UTC, and an unrepresentable instant as the epoch.
pub fn to_datetime(seconds: i64, offset: i32) -> DateTime<FixedOffset> {
    let utc = DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or_default();
    match FixedOffset::east_opt(offset) {
        Some(tz) => utc.with_timezone(&tz),
        None => utc.fixed_offset(),
    }
}

/// A person and when they acted, with the offset they wrote.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Stamp {
    pub name: String,
    pub email: String,
    pub time: DateTime<FixedOffset>,
}

/// How a path changed in the first-parent diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum PathChange {
    Added {
        path: String,
    },
    Deleted {
        path: String,
    },
    Modified {
        path: String,
    },
    /// Same content under a new name.
    Renamed {
        from: String,
        path: String,
    },
}

impl PathChange {
    pub fn path(&self) -> &str {
        match self {
            Self::Added { path }
            | Self::Deleted { path }
            | Self::Modified { path }
            | Self::Renamed { path, .. } => path,
        }
    }

    /// Every path the change touches (both names of a rename).
    pub fn paths(&self) -> Vec<&str> {
        match self {
            Self::Renamed { from, path } => vec![from, path],
            other => vec![other.path()],
        }
    }
}

/// What is shown of a commit.
#[derive(Debug, Clone, Serialize)]
pub struct CommitDetails {
    pub id: String,
    pub short: String,
    pub author: Stamp,
    pub committer: Stamp,
    pub summary: String,
    pub parents: Vec<String>,
    pub is_merge: bool,
    /// The commit this one reverts, when its message says so.
    pub reverts: Option<String>,
    /// Tags pointing at it (annotated or lightweight).
    pub tags: Vec<String>,
    /// First-parent changes (against the empty tree for a root commit).
    pub changes: Vec<PathChange>,
}

/// Reads the details of the commits shown. Tags are mapped once, only when commits are shown.
pub fn details(repo: &gix::Repository, ids: &[ObjectId]) -> Result<Vec<CommitDetails>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let tags = tag_map(repo);
    let shallow = repo.is_shallow().unwrap_or(false);
    ids.iter()
        .map(|id| one(repo, *id, &tags, shallow))
        .collect()
}

fn tag_map(repo: &gix::Repository) -> HashMap<ObjectId, Vec<String>> {
    let mut map: HashMap<ObjectId, Vec<String>> = HashMap::new();
    let Ok(refs) = repo.references() else {
        return map;
    };
    let Ok(tags) = refs.tags() else { return map };
    for r in tags.flatten() {
        let mut r = r;
        let name = r.name().shorten().to_str_lossy().into_owned();
        if let Ok(id) = r.peel_to_id()
            && let Some(commit) = peel_to_commit(repo, None, id.detach())
        {
            map.entry(commit).or_default().push(name);
        }
    }
    for names in map.values_mut() {
        names.sort();
    }
    map
}

fn one(
    repo: &gix::Repository,
    id: ObjectId,
    tags: &HashMap<ObjectId, Vec<String>>,
    shallow: bool,
) -> Result<CommitDetails> {
    let fail = |what: String| Error::Git {
        path: repo.git_dir().to_owned(),
        message: format!("commit {id}: {what}"),
    };
    let commit = repo
        .find_object(id)
        .map_err(|e| fail(format!("cannot be read ({e})")))?
        .try_into_commit()
        .map_err(|e| fail(e.to_string()))?;
    let decoded = commit.decode().map_err(|e| fail(e.to_string()))?;
    let stamp = |sig: std::result::Result<gix::actor::SignatureRef<'_>, _>| {
        let sig = sig.ok();
        let time = sig.as_ref().and_then(|s| s.time().ok()).unwrap_or_default();
        Stamp {
            name: sig
                .as_ref()
                .map(|s| s.name.trim().to_str_lossy().into_owned())
                .unwrap_or_default(),
            email: sig
                .as_ref()
                .map(|s| s.email.trim().to_str_lossy().into_owned())
                .unwrap_or_default(),
            time: to_datetime(time.seconds, time.offset),
        }
    };
    let message = decoded.message();
    let summary = message.summary().to_str_lossy().trim().to_owned();
    let full = decoded.message.to_str_lossy();
    let parents: Vec<ObjectId> = decoded.parents().collect();
    let tree = decoded.tree();
    // At a shallow boundary the parent is not here, so what changed is unknown, not everything.
    let parent = parents.first().copied();
    let changes = match parent {
        Some(p) if shallow && !repo.has_object(p) => Vec::new(),
        _ => first_parent_changes(repo, tree, parent).map_err(fail)?,
    };
    Ok(CommitDetails {
        id: id.to_string(),
        short: id.to_hex_with_len(7).to_string(),
        author: stamp(decoded.author()),
        committer: stamp(decoded.committer()),
        reverts: revert_target(&summary, &full),
        summary,
        is_merge: parents.len() > 1,
        parents: parents.iter().map(ToString::to_string).collect(),
        tags: tags.get(&id).cloned().unwrap_or_default(),
        changes,
    })
}

/// `This reverts commit <hash>.` (git revert's message), else a `Revert "…"` summary.
fn revert_target(summary: &str, message: &str) -> Option<String> {
    if let Some(pos) = message.find("This reverts commit ") {
        let hash: String = message[pos + 20..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        if hash.len() >= 7 {
            return Some(hash);
        }
    }
    summary.starts_with("Revert \"").then(String::new)
}

fn first_parent_changes(
    repo: &gix::Repository,
    tree: ObjectId,
    parent: Option<ObjectId>,
) -> std::result::Result<Vec<PathChange>, String> {
    let tree_data = |id: ObjectId| -> std::result::Result<Vec<u8>, String> {
        Ok(repo
            .find_object(id)
            .map_err(|e| e.to_string())?
            .detach()
            .data)
    };
    let new = tree_data(tree)?;
    let old = match parent {
        Some(p) => {
            let commit = repo
                .find_object(p)
                .map_err(|e| e.to_string())?
                .try_into_commit()
                .map_err(|e| e.to_string())?;
            let tree = commit.tree_id().map_err(|e| e.to_string())?.detach();
            tree_data(tree)?
        }
        None => Vec::new(),
    };
    let mut recorder = gix::diff::tree::Recorder::default();
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(&old, repo.object_hash()),
        gix::objs::TreeRefIter::from_bytes(&new, repo.object_hash()),
        &mut gix::diff::tree::State::default(),
        &repo.objects,
        &mut recorder,
    )
    .map_err(|e| e.to_string())?;
    use gix::diff::tree::recorder::Change;
    let mut added: Vec<(ObjectId, String)> = Vec::new();
    let mut deleted: Vec<(ObjectId, String)> = Vec::new();
    let mut out = Vec::new();
    for change in recorder.records {
        match change {
            Change::Addition {
                entry_mode,
                oid,
                path,
                ..
            } if !entry_mode.is_tree() => added.push((oid, path.to_str_lossy().into_owned())),
            Change::Deletion {
                entry_mode,
                oid,
                path,
                ..
            } if !entry_mode.is_tree() => deleted.push((oid, path.to_str_lossy().into_owned())),
            Change::Modification {
                entry_mode, path, ..
            } if !entry_mode.is_tree() => out.push(PathChange::Modified {
                path: path.to_str_lossy().into_owned(),
            }),
            _ => {}
        }
    }
    // Exact renames: a deleted and an added path with the same content.
    for (oid, path) in added {
        match deleted.iter().position(|(d, _)| *d == oid) {
            Some(i) => {
                let (_, from) = deleted.remove(i);
                out.push(PathChange::Renamed { from, path });
            }
            None => out.push(PathChange::Added { path }),
        }
    }
    out.extend(
        deleted
            .into_iter()
            .map(|(_, path)| PathChange::Deleted { path }),
    );
    out.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(out)
}
