pub mod clamd;
pub mod samples;
