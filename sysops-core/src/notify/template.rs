//! Message templates: data an administrator edits, one per message kind and channel, with
//! the event's facts named in braces (`{ticket_number}`). A template naming a fact its kind
//! does not carry is refused when it is saved, so no message is ever sent with a blank.

use super::{Fact, MessageKind, NotifyError};
use crate::text::MessageChannel;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest template body: an email's text (an SMS body is held to [`MAX_SMS_BODY`]).
pub const MAX_BODY: usize = 4_000;
/// The longest SMS template body, before facts are filled in (two concatenated SMS).
pub const MAX_SMS_BODY: usize = 320;
/// The longest email subject template.
pub const MAX_SUBJECT: usize = 200;

/// A checked template: its text parses, and every fact it names is one its kind carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TemplateText", into = "TemplateText")]
pub struct Template {
    kind: MessageKind,
    channel: MessageChannel,
    subject: Option<Vec<Part>>,
    body: Vec<Part>,
}

/// A template as written and stored: the kind and channel it is for, and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct TemplateText {
    pub kind: MessageKind,
    pub channel: MessageChannel,
    /// The email's subject line; an SMS has none.
    pub subject: Option<String>,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Fact(Fact),
}

impl Template {
    /// Checks a template: an email has a subject of 1–200 characters, an SMS none; the body
    /// holds 1–4,000 characters (1–320 for an SMS); neither holds control characters but
    /// line breaks in an email body; `{fact}` names a fact of the kind
    /// ([`MessageKind::facts`]), `{{` and `}}` stand for braces.
    ///
    /// ```
    /// use sysops_core::MessageChannel;
    /// use sysops_core::notify::{MessageKind, Template, NotifyError};
    /// let ok = Template::new(MessageKind::OfferMade, MessageChannel::Sms, None, "New ticket {ticket_number}");
    /// assert!(ok.is_ok());
    /// let missing = Template::new(MessageKind::OfferMade, MessageChannel::Sms, None, "Pay {amount}");
    /// assert!(matches!(missing, Err(NotifyError::MissingFact { .. })));
    /// ```
    pub fn new(
        kind: MessageKind,
        channel: MessageChannel,
        subject: Option<&str>,
        body: &str,
    ) -> Result<Self, NotifyError> {
        let subject = match (channel, subject) {
            (MessageChannel::Email, Some(subject)) => Some(parse(kind, "subject", subject, MAX_SUBJECT, false)?),
            (MessageChannel::Email, None) => {
                return Err(NotifyError::Template { field: "subject", detail: "an email needs a subject".into() });
            }
            (MessageChannel::Sms, Some(_)) => {
                return Err(NotifyError::Template { field: "subject", detail: "an SMS has no subject".into() });
            }
            (MessageChannel::Sms, None) => None,
        };
        let (max, lines) = match channel {
            MessageChannel::Email => (MAX_BODY, true),
            MessageChannel::Sms => (MAX_SMS_BODY, false),
        };
        let body = parse(kind, "body", body, max, lines)?;
        Ok(Self { kind, channel, subject, body })
    }

    /// The kind of message it writes.
    pub fn kind(&self) -> MessageKind {
        self.kind
    }

    /// The channel it writes for.
    pub fn channel(&self) -> MessageChannel {
        self.channel
    }

    /// The subject (an email's) and the body with `facts` filled in. A fact absent from
    /// `facts` is [`NotifyError::MissingFact`]: facts come from one place per kind
    /// (`notify::derive`), which carries every fact of its kind, so that is a bug, reported
    /// rather than sent with a blank.
    pub fn render(&self, facts: &BTreeMap<Fact, String>) -> Result<(Option<String>, String), NotifyError> {
        let fill = |parts: &[Part]| -> Result<String, NotifyError> {
            let mut out = String::new();
            for part in parts {
                match part {
                    Part::Text(text) => out.push_str(text),
                    Part::Fact(fact) => out.push_str(
                        facts
                            .get(fact)
                            .ok_or(NotifyError::MissingFact { kind: self.kind, fact: fact.as_str().to_owned() })?,
                    ),
                }
            }
            Ok(out)
        };
        Ok((self.subject.as_deref().map(fill).transpose()?, fill(&self.body)?))
    }

    /// The text as written.
    pub fn text(&self) -> TemplateText {
        TemplateText {
            kind: self.kind,
            channel: self.channel,
            subject: self.subject.as_deref().map(unparse),
            body: unparse(&self.body),
        }
    }

    /// The templates used until an administrator saves others: one per kind and channel.
    pub fn defaults() -> Vec<Template> {
        let mut all = Vec::new();
        for kind in MessageKind::ALL {
            let (subject, email, sms) = kind.default_text();
            all.extend(Template::new(kind, MessageChannel::Email, Some(subject), email));
            all.extend(Template::new(kind, MessageChannel::Sms, None, sms));
        }
        all
    }
}

/// The templates in force: those an administrator saved, the defaults for the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates(BTreeMap<(MessageKind, MessageChannel), Template>);

impl Templates {
    /// The defaults, replaced by `saved` where one was saved for the same kind and channel.
    pub fn with(saved: impl IntoIterator<Item = Template>) -> Self {
        let all = Template::defaults().into_iter().chain(saved);
        Self(all.map(|t| ((t.kind, t.channel), t)).collect())
    }

    /// The template for `kind` on `channel`.
    pub fn get(&self, kind: MessageKind, channel: MessageChannel) -> Result<&Template, NotifyError> {
        self.0.get(&(kind, channel)).ok_or(NotifyError::NoTemplate { kind, channel })
    }

    /// Every template in force, by kind then channel.
    pub fn all(&self) -> impl Iterator<Item = &Template> {
        self.0.values()
    }
}

impl TryFrom<TemplateText> for Template {
    type Error = NotifyError;
    fn try_from(text: TemplateText) -> Result<Self, NotifyError> {
        Template::new(text.kind, text.channel, text.subject.as_deref(), &text.body)
    }
}

impl From<Template> for TemplateText {
    fn from(template: Template) -> Self {
        template.text()
    }
}

fn parse(
    kind: MessageKind,
    field: &'static str,
    text: &str,
    max: usize,
    lines: bool,
) -> Result<Vec<Part>, NotifyError> {
    let refuse = |detail: String| NotifyError::Template { field, detail };
    let len = text.chars().count();
    if len == 0 || len > max {
        return Err(refuse(format!("must hold 1 to {max} characters, not {len}")));
    }
    if let Some(c) = text.chars().find(|&c| c.is_control() && !(lines && (c == '\n' || c == '\t'))) {
        return Err(refuse(format!("holds the control character {:?}", c)));
    }
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().is_some_and(|&(_, n)| n == '}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some((_, '}')) => break,
                        Some((_, c)) if name.len() < 64 => name.push(c),
                        _ => {
                            return Err(refuse(format!(
                                "the brace at byte {at} is not closed (write {{{{ for a brace)"
                            )));
                        }
                    }
                }
                let fact = Fact::parse(&name).filter(|fact| kind.facts().contains(fact));
                let fact = fact.ok_or(NotifyError::MissingFact { kind, fact: name })?;
                if !literal.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut literal)));
                }
                parts.push(Part::Fact(fact));
            }
            '}' => return Err(refuse(format!("the brace at byte {at} closes nothing (write }}}} for a brace)"))),
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Text(literal));
    }
    Ok(parts)
}

fn unparse(parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(&text.replace('{', "{{").replace('}', "}}")),
            Part::Fact(fact) => {
                out.push('{');
                out.push_str(fact.as_str());
                out.push('}');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_default_template_is_valid_for_its_kind_and_channel() {
        let defaults = Template::defaults();
        assert_eq!(defaults.len(), MessageKind::ALL.len() * 2);
        let templates = Templates::with([]);
        for kind in MessageKind::ALL {
            for channel in MessageChannel::ALL {
                assert!(templates.get(kind, channel).is_ok());
            }
        }
    }

    #[test]
    fn a_template_reads_back_as_written() {
        let t = Template::new(MessageKind::OfferMade, MessageChannel::Sms, None, "{{x}} {ticket_number}}}").unwrap();
        assert_eq!(t.text().body, "{{x}} {ticket_number}}}");
        let facts = BTreeMap::from([(Fact::TicketNumber, "HX4TZ-9K2M7".to_owned())]);
        assert_eq!(t.render(&facts).unwrap().1, "{x} HX4TZ-9K2M7}");
    }

    #[test]
    fn broken_braces_and_unknown_facts_are_refused() {
        let sms = |body: &str| Template::new(MessageKind::OfferMade, MessageChannel::Sms, None, body);
        assert!(matches!(sms("{ticket_number"), Err(NotifyError::Template { field: "body", .. })));
        assert!(matches!(sms("a } b"), Err(NotifyError::Template { field: "body", .. })));
        assert!(matches!(sms("{nope}"), Err(NotifyError::MissingFact { fact, .. }) if fact == "nope"));
        assert!(matches!(sms(""), Err(NotifyError::Template { .. })));
        assert!(matches!(sms(&"x".repeat(MAX_SMS_BODY + 1)), Err(NotifyError::Template { .. })));
        assert!(matches!(sms("a\nb"), Err(NotifyError::Template { .. })));
    }
}
