## A review panel's bundle of documents (GET /assignments/{id}/documents.zip).

# The ZIP's file name.
bundle-file_name = 评审材料-{ $title }.zip
# A bid's folder in the ZIP.
bundle-folder = 方案{ $code }
# The note at the root of the ZIP.
bundle-readme_name = 说明.txt
bundle-readme_head =
    评审材料：{ $title }
    生成时间：{ $at }（北京时间）
    共 { $files } 个文件，每个方案一个文件夹，文件名与单独下载时相同。文件及其 SHA-256 校验值：
bundle-readme_file = { $path }  { $size } 字节  SHA-256 { $sha256 }
bundle-readme_pending_head = 以下方案有附件的匿名副本尚未生成，未包含在内，请稍后重新下载：
bundle-readme_pending = { $folder }：{ $count } 个文件
