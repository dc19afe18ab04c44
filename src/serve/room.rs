//! Everyone invited to a served flow: their links, where each of them is, and the
//! lines that tell the researcher when that changes.

use crate::study::reserve::Reservation;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;

use super::dashboard::{self, Dashboard, SeatView, StepTimes, Whereabouts};
use super::invite::{self, Code};
use super::study::{ServedStudy, Unassigned};
use super::transport::{Inbound, Inbox};
use crate::session::ids;
use crate::study::assign::Assignment;
use crate::study::participant::Plan;

/// What is served: one flow, or a study whose variants are assigned as links open.
pub enum Content {
    /// One flow: the same plan of one session for everyone.
    Flow(Plan),
    Study(Box<ServedStudy>),
}

/// What the server needs to start a participant's session.
pub struct Served {
    pub content: Content,
    pub sessions: PathBuf,
    pub researcher: Option<String>,
    /// Where participants come in.
    pub door: Door,
    /// How long a participant may be away before their session ends.
    pub resume_within: Duration,
}

/// Where participants come in, and so what an invitation says.
pub enum Door {
    /// A browser opens `http://host:port/p/CODE`.
    Web { base_url: String },
    /// A terminal runs `ssh -p PORT CODE@host`.
    Ssh { host: String, port: u16 },
}

impl Door {
    /// The invitation for `code`.
    pub fn invitation(&self, code: &Code) -> String {
        match self {
            Door::Web { base_url } => format!("{base_url}/p/{}", code.to_hex()),
            Door::Ssh { .. } => self.observer(code),
        }
    }

    /// The observer's link for `code`: the same `ssh` command over SSH (the server
    /// knows an observer's code from a participant's).
    pub fn observer(&self, code: &Code) -> String {
        match self {
            Door::Web { base_url } => format!("{base_url}/o/{}", code.to_hex()),
            Door::Ssh { host, port } => {
                let port = match port {
                    22 => String::new(),
                    port => format!("-p {port} "),
                };
                format!("ssh {port}{}@{host}", code.to_hex())
            }
        }
    }

    /// The command serving through this door.
    pub fn command(&self) -> &'static str {
        match self {
            Door::Web { .. } => "mvx serve",
            Door::Ssh { .. } => "mvx ssh",
        }
    }

    /// Where the server is, as the researcher is told.
    pub fn shown(&self) -> String {
        match self {
            Door::Web { base_url } => base_url.clone(),
            Door::Ssh { host, port } => format!("ssh://{host}:{port}"),
        }
    }
}

/// Observers one participant may have at once: each is a session of `mvx observe` on
/// the server, reading the participant's file ten times a second.
pub const MOST_OBSERVERS: usize = 8;

/// One invitation and the session it started, if it did.
pub struct Seat {
    pub participant: String,
    /// The study variant the researcher chose for this invitation.
    pub variant: Option<String>,
    /// The study's assignment, made when the link was first opened.
    pub assignment: Option<Assignment>,
    /// Holds the assignment's place against other processes on the sessions folder
    /// until the session ends (`study::reserve`).
    reservation: Option<Reservation>,
    code: Code,
    /// The code of the observers' link: it shows what the participant sees, never acts.
    watch: Code,
    /// Observers following this participant now: where to tell each that the server
    /// stops.
    watchers: Vec<(u64, Inbox)>,
    /// A page is connected with this link now.
    pub connected: bool,
    /// Where the participant's session takes what the page says.
    pub session: Option<Inbox>,
    /// The session's task, until it is stopped.
    pub task: Option<JoinHandle<()>>,
    /// The step or question on screen.
    pub at: Option<String>,
    /// How the session ended: `complete`, `aborted`, or why it could not go on.
    pub ended: Option<String>,
    /// In a study with returns, a later visit of the link opens the participant's next
    /// session once this one has ended (docs/returns.md).
    pub comes_back: bool,
    /// In a study with returns, the trial played (or last played) and how many there are.
    pub trial: Option<(u32, u32)>,
    pub path: Option<PathBuf>,
    /// Where the participant is, and since when, for the dashboard.
    pub whereabouts: Whereabouts,
}

/// What a page opening a link may do.
pub enum Claim {
    /// The first visit (or, in a study with returns, a later one): start a session.
    Start(usize),
    /// The participant is back: resume their session.
    Resume(usize, Inbox),
    /// Another page has this link open.
    Busy,
    /// The session is over; the link is spent.
    Spent,
}

pub struct Room {
    pub served: Served,
    seats: Mutex<Vec<Seat>>,
    /// Lines for the researcher's terminal.
    notices: Mutex<Sender<String>>,
    /// Times on each step of those who left it, for the `stuck` alert.
    step_times: Mutex<StepTimes>,
    /// Observers numbered so far.
    watchers: std::sync::atomic::AtomicU64,
    /// Pages still being sent their session's last words, their link already free.
    telling: AtomicUsize,
}

/// A page being sent its session's last words: the server does not stop meanwhile.
pub struct Telling<'r>(&'r AtomicUsize);

impl Drop for Telling<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Room {
    pub fn new(served: Served, notices: Sender<String>) -> Arc<Room> {
        Arc::new(Room {
            served,
            seats: Mutex::new(Vec::new()),
            notices: Mutex::new(notices),
            step_times: Mutex::new(StepTimes::default()),
            watchers: std::sync::atomic::AtomicU64::new(0),
            telling: AtomicUsize::new(0),
        })
    }

    /// Counts a page as being told its last words until the guard goes.
    pub fn telling(&self) -> Telling<'_> {
        self.telling.fetch_add(1, Ordering::SeqCst);
        Telling(&self.telling)
    }

    /// A poisoned lock means a session's task panicked; the seats are still right.
    fn seats(&self) -> MutexGuard<'_, Vec<Seat>> {
        self.seats.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn notice(&self, line: String) {
        let notices = self.notices.lock().unwrap_or_else(|e| e.into_inner());
        let _ = notices.send(line);
    }

    /// Invites one more participant (`id`, or a generated one) to play `variant` (a
    /// study's, chosen by hand); returns their id and link.
    pub fn invite(
        &self,
        id: Option<&str>,
        variant: Option<&str>,
    ) -> Result<(String, String), String> {
        let given = id
            .map(|id| ids::valid(id, "the participant id"))
            .transpose()?;
        match (&self.served.content, variant) {
            (Content::Study(study), _) => study.check_variant(variant)?,
            (Content::Flow(_), Some(_)) => {
                return Err("a variant is chosen only when serving a study".into());
            }
            (Content::Flow(_), None) => {}
        }
        let mut seats = self.seats();
        let taken = |id: &str| seats.iter().any(|s| s.participant == id);
        let participant = match given {
            Some(id) if taken(&id) => return Err(format!("{id} is already invited")),
            Some(id) => id,
            // A generated id is one of 1.7 million (`P` and 4 characters): among 1,000
            // invitations two alike are likely (about one time in three), so another is
            // drawn.
            None => loop {
                let drawn = ids::participant();
                if !taken(&drawn) {
                    break drawn;
                }
            },
        };
        let code = Code::random()?;
        let link = self.served.door.invitation(&code);
        // (`link` says the same of a seat already made.)
        seats.push(Seat {
            participant: participant.clone(),
            variant: variant.map(str::to_owned),
            assignment: None,
            reservation: None,
            code,
            watch: Code::random()?,
            watchers: Vec::new(),
            connected: false,
            session: None,
            task: None,
            at: None,
            ended: None,
            comes_back: false,
            trial: None,
            path: None,
            whereabouts: Whereabouts::default(),
        });
        Ok((participant, link))
    }

    /// The seat whose link carries `code`, if any.
    pub fn find(&self, code: &Code) -> Option<usize> {
        invite::find(self.seats().iter().map(|s| &s.code), code)
    }

    /// The seat whose observers' link carries `code`, if any.
    pub fn find_watched(&self, code: &Code) -> Option<usize> {
        invite::find(self.seats().iter().map(|s| &s.watch), code)
    }

    /// The seat of participant `id`, if invited.
    pub fn find_participant(&self, id: &str) -> Option<usize> {
        self.seats().iter().position(|s| s.participant == id)
    }

    /// The observers' link of participant `id`: the seat and the link.
    pub fn observer_link(&self, id: &str) -> Result<(usize, String), String> {
        let seats = self.seats();
        let index = (seats.iter().position(|s| s.participant == id))
            .ok_or_else(|| format!("{} is not invited", crate::text::printable(id)))?;
        Ok((index, self.served.door.observer(&seats[index].watch)))
    }

    /// One more observer of seat `index`, told through `inbox` when the server stops;
    /// their number, unless the seat has [`MOST_OBSERVERS`] already.
    pub fn watch(&self, index: usize, inbox: Inbox) -> Option<u64> {
        let mut seats = self.seats();
        let seat = seats.get_mut(index)?;
        if seat.watchers.len() >= MOST_OBSERVERS {
            return None;
        }
        let id = self
            .watchers
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        seat.watchers.push((id, inbox));
        Some(id)
    }

    /// Observer `id` of seat `index` has left, their last words sent.
    pub fn unwatch(&self, index: usize, id: u64) {
        self.update(index, |seat| seat.watchers.retain(|(w, _)| *w != id));
    }

    /// Whether seat `index` has a session under way: its page may come back whatever
    /// strangers behind the same address do.
    pub fn is_live(&self, index: usize) -> bool {
        (self.seats().get(index)).is_some_and(|s| s.session.is_some() && s.ended.is_none())
    }

    /// A page opens the link of seat `index`: marks it connected if it may. A link of a
    /// study with returns whose session has ended starts the participant's next visit.
    pub fn claim(&self, index: usize) -> Claim {
        let mut seats = self.seats();
        let Some(seat) = seats.get_mut(index) else {
            return Claim::Spent;
        };
        if seat.ended.is_some() && !seat.comes_back {
            return Claim::Spent;
        }
        if seat.connected {
            return Claim::Busy;
        }
        seat.connected = true;
        match (&seat.session, &seat.ended) {
            (Some(session), None) => Claim::Resume(index, session.clone()),
            _ => Claim::Start(index),
        }
    }

    /// Seat `index` starts a visit with `assignment`, trial `trial` of a study with
    /// returns (None without): what its last visit left (how it ended, its file, where
    /// it was) goes, so the link resumes this one if cut.
    pub fn begin(&self, index: usize, assignment: &Assignment, trial: Option<(u32, u32)>) {
        self.update(index, |seat| {
            seat.assignment = Some(assignment.clone());
            seat.trial = trial;
            (seat.ended, seat.comes_back, seat.path, seat.at) = (None, false, None, None);
            seat.whereabouts = Whereabouts::default();
        });
    }

    pub fn participant(&self, index: usize) -> String {
        self.seats()[index].participant.clone()
    }

    /// The invitation link of seat `index`.
    pub fn link(&self, index: usize) -> Option<String> {
        let seats = self.seats();
        let code = &seats.get(index)?.code;
        Some(self.served.door.invitation(code))
    }

    /// The session file seat `index` writes now, if any.
    pub fn path(&self, index: usize) -> Option<PathBuf> {
        self.seats().get(index).and_then(|s| s.path.clone())
    }

    /// The study assignment of seat `index`, made under the room's lock with every
    /// participant still playing counted, so two never get the same slot.
    pub fn assign(&self, index: usize, study: &ServedStudy) -> Result<Assignment, Unassigned> {
        let mut seats = self.seats();
        // A returning participant's place was counted with their first trial.
        let playing: Vec<(String, Assignment)> = seats
            .iter()
            .filter(|s| s.ended.is_none() && s.trial.is_none_or(|(t, _)| t == 1))
            .filter_map(|s| Some((s.participant.clone(), s.assignment.clone()?)))
            .collect();
        let Some(seat) = seats.get_mut(index) else {
            return Err(String::from("no such invitation").into());
        };
        let (assignment, reservation) = study.assign(
            &self.served.sessions,
            &seat.participant,
            &playing,
            seat.variant.clone(),
        )?;
        seat.assignment = Some(assignment.clone());
        seat.reservation = Some(reservation);
        Ok(assignment)
    }

    /// Changes seat `index`; a seat whose session ended gives its reserved place back.
    pub fn update(&self, index: usize, change: impl FnOnce(&mut Seat)) {
        if let Some(seat) = self.seats().get_mut(index) {
            change(seat);
            if seat.ended.is_some() {
                seat.reservation = None;
            }
        }
    }

    /// Seat `index` shows `step` from `now` on: the step it leaves is timed.
    pub fn arrive(&self, index: usize, step: &str, now: Instant) {
        let mut seats = self.seats();
        let Some(seat) = seats.get_mut(index) else {
            return;
        };
        seat.at = Some(step.to_owned());
        let w = &mut seat.whereabouts;
        w.consenting = false;
        if let Some((left, since)) = w.step.replace((step.to_owned(), now)) {
            let mut times = self.step_times.lock().unwrap_or_else(|e| e.into_inner());
            times.left(
                w.variant.as_deref(),
                &left,
                now.saturating_duration_since(since),
            );
        }
    }

    /// Changes where seat `index` is (its consent, its window, its page in sight).
    pub fn whereabouts(&self, index: usize, change: impl FnOnce(&mut Whereabouts)) {
        self.update(index, |seat| change(&mut seat.whereabouts));
    }

    /// Everyone at `now`, with the study's counts: what every output words.
    pub fn snapshot(&self, now: Instant) -> Dashboard {
        let (variants, target) = match &self.served.content {
            Content::Study(study) => match study.opened.playable() {
                Some((s, vs)) => (vs.iter().map(|v| v.name.clone()).collect(), s.target),
                None => (Vec::new(), None),
            },
            Content::Flow(_) => (Vec::new(), None),
        };
        let seats = self.seats();
        let views: Vec<SeatView<'_>> = (seats.iter())
            .map(|seat| SeatView {
                participant: &seat.participant,
                variant: seat.variant.as_deref(),
                assigned: seat.assignment.as_ref().map_or(&[], |a| &a.variants),
                connected: seat.connected,
                started: seat.session.is_some(),
                ended: seat.ended.as_deref(),
                trial: seat.trial,
                whereabouts: &seat.whereabouts,
            })
            .collect();
        let times = self.step_times.lock().unwrap_or_else(|e| e.into_inner());
        dashboard::snapshot(&views, &variants, target, &times, now)
    }

    /// Every seat's participant, link state and place, for the researcher.
    pub fn lines(&self) -> Vec<String> {
        self.seats().iter().map(state_line).collect()
    }

    /// Stops every live session as aborted by `signal`, and waits for each to be saved.
    pub fn stop_all(&self, signal: &'static str, within: Duration) {
        let tasks: Vec<JoinHandle<()>> = {
            let mut seats = self.seats();
            seats
                .iter_mut()
                .filter_map(|seat| {
                    let stop = || Inbound::Stop {
                        at: Instant::now(),
                        name: signal,
                    };
                    if let Some(session) = &seat.session {
                        session.tell(stop());
                    }
                    for (_, watcher) in &seat.watchers {
                        watcher.tell(stop());
                    }
                    seat.task.take()
                })
                .collect()
        };
        let deadline = Instant::now() + within;
        // Called from outside the runtime, which goes on running the tasks meanwhile.
        for task in tasks {
            while !task.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        // A session's last words reach its page through the page's connection: the
        // server stops only once each page, and each observer, has been sent them (or
        // the time is up).
        let open = |seat: &Seat| seat.connected || !seat.watchers.is_empty();
        let telling = || self.telling.load(Ordering::SeqCst) > 0;
        while (self.seats().iter().any(open) || telling()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// `P01  on home` and the like.
pub fn state_line(seat: &Seat) -> String {
    let state = match (&seat.ended, seat.connected, &seat.session, &seat.at) {
        (Some(ended), ..) => format!("finished: {ended}"),
        (None, false, None, _) => "waiting".into(),
        (None, false, Some(_), _) => "disconnected".into(),
        (None, true, _, _) if seat.whereabouts.too_small.is_some() => "window too small".into(),
        (None, true, _, Some(at)) => format!("on {at}"),
        (None, true, _, None) => "connected".into(),
    };
    let trial = (seat.trial)
        .map(|(trial, trials)| format!(" (session {trial} of {trials})"))
        .unwrap_or_default();
    format!("{:<8} {state}{trial}", seat.participant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_never_clash_however_many_are_invited() {
        let flow = "flow: one\ntitle: One\nsteps:\n  done:\n    end: success\n";
        let flow = crate::flow::load(flow).expect("a flow");
        let served = Served {
            content: Content::Flow(Plan::flow(flow, "one.yaml", "abc")),
            sessions: PathBuf::from("sessions"),
            researcher: None,
            door: Door::Web {
                base_url: "http://127.0.0.1:1".into(),
            },
            resume_within: Duration::from_secs(60),
        };
        let room = Room::new(served, std::sync::mpsc::channel().0);
        // Among 5,000 ids of 1.7 million, two alike are all but certain.
        let ids: std::collections::HashSet<String> = (0..5_000)
            .map(|_| room.invite(None, None).expect("invited").0)
            .collect();
        assert_eq!(ids.len(), 5_000);
        let (id, _) = room.invite(None, None).expect("invited");
        assert_eq!(
            room.invite(Some(&id), None),
            Err(format!("{id} is already invited"))
        );
    }
}
