## Credit (信用审查): the reasons an import gives for the lines it rejects, and the batch
## review's CSV. An import stores each rejected line's code and arguments; its message is
## `credit-import-<code>`, rendered in the reader's language when the report is shown.

# The subject code a line names, by the line's subject kind (`$kind`).
credit-import-subject-code = { $kind ->
    [person] 身份证号
   *[other] 统一社会信用代码
}
credit-import-unreadable = 无法读取该行
credit-import-wrong_field_count = 该行有 { $fields } 个字段，表头只有 { $columns } 列
credit-import-record_too_long = 该行超过 { $max } 字节，未予读取
credit-import-missing_field = 必填字段为空
credit-import-too_long = 超过 { $max } 个字符
credit-import-unknown_subject_kind = 主体类型“{ $value }”无法识别，应为 法人 或 自然人
credit-import-unknown_severity = 严重程度“{ $value }”无法识别，应为 严重失信 或 一般失信
credit-import-bad_date = 日期“{ $value }”无法识别
credit-import-validity_before_decision = 有效期至早于认定日期
credit-import-duplicate_record_id = 记录编号“{ $value }”在文件中重复出现
credit-import-length = { credit-import-subject-code }长度应为 18 位
credit-import-invalid_character = { credit-import-subject-code }含有不允许的字符
credit-import-check_character = { credit-import-subject-code }校验位错误

# The batch review's CSV: the header row, then a line per subject.
credit-review-csv-subject_kind = 主体类型
credit-review-csv-subject_name = 主体名称
credit-review-csv-subject_code = 统一社会信用代码或身份证号
credit-review-csv-standing = 信用状况
credit-review-csv-result = 审查结果
credit-review-csv-records_in_force = 有效记录数
credit-review-csv-check_id = 审查编号
credit-review-kind = { $kind ->
    [organization] 法人
    [person] 自然人
   *[other] { $kind }
}
credit-review-standing = { $standing ->
    [good] 良好
    [general] 一般失信
    [serious] 严重失信
   *[other] { $standing }
}
credit-review-result = { $result ->
    [pass] 通过
    [warn] 提示
    [block] 限制
   *[other] { $result }
}
