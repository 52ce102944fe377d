//! Reports across the whole workflow, for the program office: they read every domain, and no
//! domain reads them.

pub mod credit_review;
