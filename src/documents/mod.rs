pub mod clamd;
