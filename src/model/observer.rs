//! Per-group histories, streamed out as groups leave (`--records`): the model calls an [`Observer`]
//! and never does IO itself.

/// How a group's story ended (or where it stood when the horizon ended).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Presented at the port at its appointment.
    Processed,
    /// Did not show up at its appointment.
    NoShow,
    /// Reneged while waiting (or on returning after a miss with its patience gone).
    Abandoned,
    /// Left after a missed confirmation under `on_miss = "drop"` (counted as abandoned).
    Dropped,
    /// Still `Waiting` at the horizon.
    CensoredWaiting,
    /// Still `Selected` (confirming) at the horizon.
    CensoredSelected,
    /// Still `Booked` at the horizon.
    CensoredBooked,
}

impl Outcome {
    /// The value written in `groups.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Processed => "processed",
            Outcome::NoShow => "no_show",
            Outcome::Abandoned => "abandoned",
            Outcome::Dropped => "dropped",
            Outcome::CensoredWaiting => "censored_waiting",
            Outcome::CensoredSelected => "censored_selected",
            Outcome::CensoredBooked => "censored_booked",
        }
    }
}

/// One registered group's history, a row of `groups.csv`. Times are in seconds since the start;
/// `None` when it never happened.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    /// Group id (backlog first, then caravans, then stream arrivals in order of creation).
    pub id: u64,
    /// Index into [`crate::model::Model::source_names`].
    pub source: u16,
    /// Persons in the group.
    pub size: u8,
    /// Registration time (negative for the backlog).
    pub registered_at: i64,
    /// Time of the last selection.
    pub selected_at: Option<i64>,
    /// Time of booking (confirmation).
    pub booked_at: Option<i64>,
    /// Appointment time.
    pub appointment_at: Option<i64>,
    /// How it ended.
    pub outcome: Outcome,
    /// When it ended (the horizon for censored groups).
    pub ended_at: i64,
    /// Confirmation attempts made over all its selections.
    pub attempts: u32,
}

/// Receives each group's row once, when it leaves or when the horizon ends.
pub trait Observer {
    /// Whether rows are wanted at all (`--records`): when false the simulation neither keeps the
    /// times that only rows use nor builds rows (a smaller group record, a faster replication).
    fn wants_records(&self) -> bool {
        true
    }

    /// Called once per registered group.
    fn group(&mut self, r: &GroupRow);
}

/// An observer that discards everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoRecords;

impl Observer for NoRecords {
    fn wants_records(&self) -> bool {
        false
    }

    #[inline]
    fn group(&mut self, _: &GroupRow) {}
}

impl Observer for Vec<GroupRow> {
    fn group(&mut self, r: &GroupRow) {
        self.push(r.clone());
    }
}
