//! Nix flakes: references, lock files, local sources, calling a flake and listing its outputs.
//!
//! [`flakeref`], [`lock`] and [`source`] are the data layer (no evaluator): parsing and printing
//! flake references, reading `flake.lock` and resolving `follows`, and describing local source
//! trees as CppNix's fetchers lock them. [`call`] evaluates a flake as CppNix's call-flake does
//! (lazy `self`, inputs resolved on first use) through the public evaluator API, and [`show`]
//! walks its outputs the way `nix flake show` does. [`standins`] holds the built-in
//! replacements for inputs that cannot be fetched offline (nixpkgs, flake-utils, systems). Nothing here fetches from the network or
//! writes `flake.lock`.

pub mod call;
pub mod check;
pub mod flakeref;
pub mod lock;
pub mod show;
pub mod source;
pub mod standins;
