DROP TABLE project_extensions;
DROP TABLE payments;
DROP TABLE milestone_reports;
DROP TABLE milestones;
