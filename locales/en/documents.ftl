## A review panel's bundle of documents (GET /assignments/{id}/documents.zip).

# The ZIP's file name.
bundle-file_name = review-materials-{ $title }.zip
# A bid's folder in the ZIP.
bundle-folder = Proposal-{ $code }
# The note at the root of the ZIP.
bundle-readme_name = README.txt
bundle-readme_head =
    Review materials: { $title }
    Made at: { $at } (Beijing time)
    { $files } files, a folder per proposal, each file under the name it has when downloaded alone. The files and their SHA-256:
bundle-readme_file = { $path }  { $size } bytes  SHA-256 { $sha256 }
bundle-readme_pending_head = These proposals have documents whose anonymised copy is not made yet; they are left out, download again later:
bundle-readme_pending = { $folder }: { $count } files
