"""Every threshold, size and default weight the matcher works with, in one place.

The engine's modules and the Django apps read these names from here, so tuning the
matcher means editing this file and nothing else. Each value says why it is what it is.

Deliberately not here:

- the block sizes of the compiled top-k kernels (``engine.topk``): numba compiles them
  into its on-disk cache, keyed on the kernels' own file, so an edit made here would
  be ignored until that cache is cleared;
- the hashing width and n-gram lengths of ``engine.chars`` and the weight levels of
  ``engine.postings``: they fix the layout of a stored index, so changing one makes a
  new artifact format rather than a different tuning.
"""

# SCORING: WHAT A CANDIDATE'S FACTORS ARE WORTH
# ------------------------------------------------------------------------------

# Factor weights in force until people's decisions refit them (``engine.learning``).
# They sum to 1, so a score reads as a share of a perfect match. Words and HS products
# weigh most because they say what a supplier makes; the HS→ISIC bridge ties products
# to the activities asked for; character n-grams and ISIC codes only refine.
DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.30,
    "chars": 0.15,
    "hs": 0.25,
    "isic": 0.10,
    "bridge": 0.20,
}
# Stage-one credit for sharing a code, beside word cosine in [0, 1]: a supplier whose
# codes match but whose words do not still reaches the pool, below one that has both.
CODE_BOOST = 0.5
# HS credit by the deepest level shared with a requested code. It halves per level up:
# a sibling subheading is often made on the same line, a sibling chapter seldom is.
HS_CREDIT: dict[int, float] = {6: 1.0, 4: 0.5, 2: 0.25}
# A broader offered code of no standard HS length earns what a shared chapter does.
HS_OTHER_LEVEL_CREDIT = 0.25
# ISIC credit by the deepest level shared, the section letter counting as level 1:
# classes of one group are close trades, while a section is a whole sector.
ISIC_CREDIT: dict[int, float] = {4: 1.0, 3: 0.6, 2: 0.3, 1: 0.1}
# ISIC codes are named in an explanation from a shared group up: a shared division or
# section is too loose to tell a person as a reason.
ISIC_EXPLAINED_MIN_CREDIT = ISIC_CREDIT[3]
# Points a verified supplier gets in the prior that orders suppliers without words:
# more than a complete profile can earn (a description, codes and a certificate: 3),
# so verified suppliers come first.
VERIFIED_PRIOR = 4
# The prior's scale beside word cosine: at most 7e-6, below any cosine difference that
# matters, so it only settles ties between equally good texts.
PRIOR_TIE_BREAK = 1e-6

# SELECTION: HOW MANY ARE LOOKED AT, KEPT AND SHOWN
# ------------------------------------------------------------------------------

CANDIDATE_POOL = 300  # stage-two candidates per request: ~300 texts re-ranked in ~20 ms
# Proposals kept per request: a real choice for the buyer, and few enough that every
# supplier told about the request is worth telling.
TOP_K = 20
MIN_SCORE = 0.05  # below this a supplier is not worth a person's time
# A near-miss must otherwise be a strong match: "lacks ISO 13485" is news only from a
# supplier that makes the thing.
NEAR_MISS_MIN_SCORE = 0.25
# Deepest page a search may ask for: beyond it results are not ranked exactly.
MAX_RESULTS = 1000
# Search results per page, and the most a caller may ask for: every hit on a page loads
# its organisation, codes and certificates from the database.
SEARCH_PAGE_SIZE = 20
MAX_SEARCH_PAGE_SIZE = 100

# EXPLANATIONS
# ------------------------------------------------------------------------------

# Words in common listed in an explanation: enough to show why, short enough to read.
EXPLAINED_WORDS = 8
# HS codes listed as "made under the requested activities": the strongest few make the
# point; the rest repeat it.
EXPLAINED_BRIDGE_CODES = 3

# LEARNING THE WEIGHTS FROM DECISIONS
# ------------------------------------------------------------------------------

# Decisions needed before weights are refitted: with a fifth held out, fewer leave too
# few decided requests to judge the new weights on.
MIN_DECISIONS = 200
HOLDOUT_SHARE = 0.2  # the share of decisions (or of requests) that judges the new weights
# From this many requests on, whole requests are held out, so the judging ranks requests
# the fit never saw; with fewer, one held-out request would be the whole test.
MIN_REQUESTS_TO_HOLD_OUT = 5
# Ranking depth judged (NDCG@k): the first proposals a buyer reads decide whether the
# new weights help.
NDCG_K = 10

# CONSORTIA
# ------------------------------------------------------------------------------

# Fewest members of a consortium: a single member that meets the need is proposed alone
# by the matcher.
CONSORTIUM_MIN_MEMBERS = 2
# Most members: every member is a partner the buyer coordinates with, and the search
# grows with the number of sets of this size.
CONSORTIUM_MAX_MEMBERS = 5
# Candidates kept per cluster: half by capacity, half by score (the union). With 40
# candidates a size-5 search has at most C(40, 5) ≈ 660,000 leaves before pruning;
# the bounds cut nearly all of them.
CONSORTIUM_MAX_CANDIDATES = 40
# Search nodes visited per call before the best sets found so far are returned (each
# node costs a few list operations: ~0.1 s of CPU at this cap).
CONSORTIUM_MAX_NODES = 200_000
CONSORTIUM_OPTIONS = 3  # sets a search returns unless asked for another number
# Consortia the matcher drafts per request and cluster: the cluster's managers edit one
# draft rather than choose between several.
CONSORTIUM_DRAFTS_PER_CLUSTER = 1

# TEXT AND CODES
# ------------------------------------------------------------------------------

# Suppliers sampled to learn the character n-gram IDF: enough for stable document
# frequencies of n-grams, and about a second of hashing whatever the number of suppliers.
CHAR_IDF_SAMPLE = 3_000
# Suppliers the sample is drawn from: the first few samples' worth, so a fit does not
# build a million n-gram texts only to keep 3,000 of them.
CHAR_IDF_POOL = 4 * CHAR_IDF_SAMPLE
# Characters of a text compared by n-grams: names and the opening of a description
# carry the typos and the local-script names; codes are compared as codes elsewhere.
CHAR_TEXT_LIMIT = 400
# Share of a heading's subheadings an activity must make to count as the heading's:
# below it, one odd subheading would pull an unrelated trade into every request.
PREFIX_ACTIVITY_SHARE = 0.3

# FITTING
# ------------------------------------------------------------------------------

# Below this many documents one process is faster than starting others.
PARALLEL_MIN_DOCUMENTS = 20_000
# Documents sent to a counting worker at a time: ~10 MB of profile text, and what it
# sends back (a vocabulary of its own, ~6 bytes a term occurrence) stays as small.
CHUNK_DOCUMENTS = 20_000
