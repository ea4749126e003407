//! The single writer thread and its group commit. Requests arrive over a channel; the
//! thread drains what is queued (up to [`MAX_GROUP`]), runs each request in its own
//! savepoint of one transaction, commits once, and only then replies to each. A request
//! that fails rolls back its savepoint alone; a failed commit fails the whole group.

use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};

use crate::store::StoreError;

/// Most requests committed in one transaction.
pub const MAX_GROUP: usize = 512;

/// One queued request, type-erased so that requests of every kind share the queue.
trait Job: Send {
    /// Runs the request inside the open transaction, keeping its result for `finish`.
    fn run(&mut self, tx: &mut rusqlite::Transaction<'_>);
    /// Replies after the group's commit; `commit` is its outcome.
    fn finish(self: Box<Self>, commit: Result<(), &str>);
}

struct TypedJob<T, F> {
    op: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: SyncSender<Result<T, StoreError>>,
}

impl<T, F> Job for TypedJob<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn run(&mut self, tx: &mut rusqlite::Transaction<'_>) {
        let Some(op) = self.op.take() else { return };
        let result = match tx.savepoint() {
            Ok(savepoint) => match op(&savepoint) {
                Ok(value) => savepoint.commit().map(|()| value).map_err(StoreError::from),
                Err(err) => Err(err), // dropping the savepoint rolls it back
            },
            Err(err) => Err(err.into()),
        };
        self.result = Some(result);
    }

    fn finish(self: Box<Self>, commit: Result<(), &str>) {
        let reply = match (commit, self.result) {
            (Ok(()), Some(result)) => result,
            (Err(reason), _) => Err(StoreError::CommitFailed {
                reason: reason.to_owned(),
            }),
            (Ok(()), None) => Err(StoreError::WriterGone),
        };
        // The caller may have given up waiting; nothing else to do then.
        let _ = self.reply.try_send(reply);
    }
}

/// Handle to the writer thread. Dropping it lets the thread finish the queue and stop.
#[derive(Debug)]
pub struct Writer {
    queue: Option<Sender<Box<dyn Job>>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Starts the thread that owns the read-write connection.
    pub fn start(conn: Connection) -> Result<Self, StoreError> {
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || run_writer(conn, jobs))
            .map_err(|err| StoreError::CommitFailed {
                reason: format!("cannot start the writer thread: {err}"),
            })?;
        Ok(Self {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Runs `op` in the writer's next group and waits for the commit.
    pub fn call<T, F>(&self, op: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = mpsc::sync_channel(1);
        let job = Box::new(TypedJob {
            op: Some(op),
            result: None,
            reply,
        });
        let queue = self.queue.as_ref().ok_or(StoreError::WriterGone)?;
        queue.send(job).map_err(|_| StoreError::WriterGone)?;
        answer.recv().map_err(|_| StoreError::WriterGone)?
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run_writer(mut conn: Connection, jobs: Receiver<Box<dyn Job>>) {
    let mut group: Vec<Box<dyn Job>> = Vec::with_capacity(MAX_GROUP);
    while let Ok(first) = jobs.recv() {
        group.push(first);
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcome = commit_group(&mut conn, &mut group);
        let commit = outcome.as_ref().map(|_| ()).map_err(String::as_str);
        for job in group.drain(..) {
            job.finish(commit);
        }
    }
}

fn commit_group(conn: &mut Connection, group: &mut [Box<dyn Job>]) -> Result<(), String> {
    let mut tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|err| err.to_string())?;
    for job in group.iter_mut() {
        job.run(&mut tx);
    }
    tx.commit().map_err(|err| err.to_string())
}
