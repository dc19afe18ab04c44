//! The flows a report's sessions were recorded on, opened once per version for their
//! `addresses:`, and the friction map found beside them: the "Frictions addressed"
//! section's inputs.

use std::collections::BTreeMap;
use std::path::Path;

use crate::report::Report;
use crate::report::frictions::{self, Addresses, FlowKey, FrictionsAddressed, MapFound};
use crate::session::Header;
use crate::study::Variant;

/// The first header read of each flow version: where its flow file is.
#[derive(Default)]
pub(super) struct Recorded(BTreeMap<FlowKey, Header>);

impl Recorded {
    pub(super) fn add(&mut self, header: Header) {
        let flow = &header.flow;
        let key = (flow.id.clone(), flow.variant.clone(), flow.sha256.clone());
        self.0.entry(key).or_insert(header);
    }

    /// Each version's `addresses:`, from its flow file as the session recorded it; a flow
    /// file that no longer opens addresses nothing here.
    fn addresses(&self) -> Addresses {
        let opened = (self.0.iter()).filter_map(|(key, header)| {
            let (flow, _) = crate::study::arrange::recorded_flow(header).ok()?;
            let tags: Vec<String> = flow.addresses.iter().map(|t| t.id.clone()).collect();
            (!tags.is_empty()).then(|| (key.clone(), tags))
        });
        Addresses(opened.collect())
    }

    /// The first flow file's path, where a friction map is looked for.
    fn flow_path(&self) -> Option<&str> {
        self.0.values().next().map(|h| h.flow.path.as_str())
    }
}

/// The section for a report over sessions: the flows from their headers, the map
/// `explicit`, or found beside the first flow, or in the current folder.
pub(super) fn section(
    report: &Report,
    recorded: &Recorded,
    explicit: Option<&Path>,
) -> FrictionsAddressed {
    let addresses = recorded.addresses();
    if addresses.0.is_empty() {
        return FrictionsAddressed::default();
    }
    let found = crate::frictions::find(explicit, None, recorded.flow_path().map(Path::new));
    frictions::addressed(report, &addresses, map(found.as_deref()))
}

/// The section for a study's report: the flows are its variants; the map `explicit`, or
/// found beside the study, its first variant, or in the current folder.
pub(super) fn for_study(
    report: &Report,
    variants: &[Variant],
    study: &Path,
    explicit: Option<&Path>,
) -> FrictionsAddressed {
    let opened = variants
        .iter()
        .filter(|v| !v.flow.addresses.is_empty())
        .map(|v| {
            let key = (v.flow.id.clone(), v.flow.variant.clone(), v.sha256.clone());
            (key, v.flow.addresses.iter().map(|t| t.id.clone()).collect())
        });
    let addresses = Addresses(opened.collect());
    if addresses.0.is_empty() {
        return FrictionsAddressed::default();
    }
    let flow = variants.first().map(|v| v.path.as_path());
    let found = crate::frictions::find(explicit, Some(study), flow);
    frictions::addressed(report, &addresses, map(found.as_deref()))
}

/// The friction map at `path`, ranked, or why it could not be read.
fn map(path: Option<&Path>) -> MapFound {
    let Some(path) = path else {
        return MapFound::None;
    };
    let shown = path.display().to_string();
    match crate::frictions::read(path) {
        Ok(map) => MapFound::Ranked {
            path: shown,
            ranking: crate::frictions::rank(&map.items, None),
        },
        Err(why) => MapFound::Unreadable { path: shown, why },
    }
}
