## Credit: the reasons an import gives for the lines it rejects, and the batch review's CSV. An
## import stores each rejected line's code and arguments; its message is `credit-import-<code>`,
## rendered in the reader's language when the report is shown.

# The subject code a line names, by the line's subject kind (`$kind`).
credit-import-subject-code = { $kind ->
    [person] The ID number
   *[other] The unified social credit code
}
credit-import-unreadable = The line cannot be read
credit-import-wrong_field_count = The line has { $fields } fields; the header has only { $columns } columns
credit-import-record_too_long = The line is longer than { $max } bytes and was not read
credit-import-missing_field = A required field is empty
credit-import-too_long = Longer than { $max } characters
credit-import-unknown_subject_kind = Subject kind “{ $value }” is not recognised: use 法人 (organization) or 自然人 (person)
credit-import-unknown_severity = Severity “{ $value }” is not recognised: use 严重失信 (serious) or 一般失信 (general)
credit-import-bad_date = Date “{ $value }” is not recognised
credit-import-validity_before_decision = The validity ends before the decision date
credit-import-duplicate_record_id = Record ID “{ $value }” appears more than once in the file
credit-import-length = { credit-import-subject-code } must be 18 characters long
credit-import-invalid_character = { credit-import-subject-code } contains characters that are not allowed
credit-import-check_character = { credit-import-subject-code } has a wrong check character

# The batch review's CSV: the header row, then a line per subject.
credit-review-csv-subject_kind = Subject kind
credit-review-csv-subject_name = Subject name
credit-review-csv-subject_code = USCC or ID number
credit-review-csv-standing = Standing
credit-review-csv-result = Result
credit-review-csv-records_in_force = Records in force
credit-review-csv-check_id = Check ID
credit-review-kind = { $kind ->
    [organization] Organization
    [person] Person
   *[other] { $kind }
}
credit-review-standing = { $standing ->
    [good] Good
    [general] General dishonesty
    [serious] Serious dishonesty
   *[other] { $standing }
}
credit-review-result = { $result ->
    [pass] Pass
    [warn] Warn
    [block] Block
   *[other] { $result }
}
