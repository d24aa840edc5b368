//! Product categories, skill levels and priorities: the vocabulary plans, experts and tickets share.

use crate::error::{ValidationError, clip};
use serde::{Deserialize, Serialize};

/// A kind of device the Sysops Squad supports.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProductCategory {
    /// Televisions and projectors.
    Television,
    /// Desktop and laptop computers.
    Computer,
    /// Tablets and smartphones.
    Mobile,
    /// Stereos, speakers and home cinema audio.
    Audio,
    /// Routers, Wi-Fi and home networking.
    Networking,
    /// Printers and scanners.
    Printer,
    /// Game consoles.
    GameConsole,
    /// Cameras.
    Camera,
    /// Smart-home devices.
    SmartHome,
}

impl ProductCategory {
    /// Every category.
    pub const ALL: [ProductCategory; 9] = [
        ProductCategory::Television,
        ProductCategory::Computer,
        ProductCategory::Mobile,
        ProductCategory::Audio,
        ProductCategory::Networking,
        ProductCategory::Printer,
        ProductCategory::GameConsole,
        ProductCategory::Camera,
        ProductCategory::SmartHome,
    ];

    /// A stable lower-case name, e.g. `"game_console"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProductCategory::Television => "television",
            ProductCategory::Computer => "computer",
            ProductCategory::Mobile => "mobile",
            ProductCategory::Audio => "audio",
            ProductCategory::Networking => "networking",
            ProductCategory::Printer => "printer",
            ProductCategory::GameConsole => "game_console",
            ProductCategory::Camera => "camera",
            ProductCategory::SmartHome => "smart_home",
        }
    }

    /// Parses [`as_str`](Self::as_str)'s output.
    ///
    /// ```
    /// use sysops_core::ProductCategory;
    /// assert_eq!(ProductCategory::parse("audio"), Ok(ProductCategory::Audio));
    /// assert!(ProductCategory::parse("toaster").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| ValidationError::Unknown { field: "product_category", value: clip(name) })
    }
}

/// How skilled an expert is at a category, or how skilled a ticket needs them to be: 1 (basic) to 5 (master).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct SkillLevel(u8);

impl SkillLevel {
    /// Level 1, enough for routine work.
    pub const BASIC: SkillLevel = SkillLevel(1);
    /// Level 5.
    pub const MASTER: SkillLevel = SkillLevel(5);

    /// A level from 1 to 5.
    ///
    /// ```
    /// use sysops_core::SkillLevel;
    /// assert_eq!(SkillLevel::new(3).unwrap().get(), 3);
    /// assert!(SkillLevel::new(0).is_err());
    /// assert!(SkillLevel::new(6).is_err());
    /// ```
    pub fn new(value: i64) -> Result<Self, ValidationError> {
        match u8::try_from(value) {
            Ok(v @ 1..=5) => Ok(SkillLevel(v)),
            _ => Err(ValidationError::InvalidSkillLevel { value }),
        }
    }

    /// The level as a number.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for SkillLevel {
    type Error = ValidationError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        SkillLevel::new(value)
    }
}

impl From<SkillLevel> for u8 {
    fn from(level: SkillLevel) -> u8 {
        level.0
    }
}

/// How urgently a plan's tickets are served; higher is served first when experts are scarce.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    /// Best effort.
    Standard,
    /// Ahead of standard tickets.
    High,
    /// Ahead of everything else.
    Critical,
}

impl Priority {
    /// A stable lower-case name (`standard`, `high`, `critical`), as reports show it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Standard => "standard",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }
}
