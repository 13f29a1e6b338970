# Clusters, memberships, consortia and broadcasts arrive with the clusters issue.
