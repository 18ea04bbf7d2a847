/**
 * Counting events: the rules that decide whether an event counts ({@link
 * io.beacon.streams.counting.EventCountingProcessor}) and the machinery that keeps the counts exact
 * and cheap: the dedup index (dedup store, Bloom filters, ids not written yet), the count buffer
 * (counts, totals and latest event times held between flushes), bucket expiry, and the commit hook
 * through which Kafka Streams has the held state written before each commit.
 *
 * <h2>Invariants</h2>
 *
 * What the processor keeps in memory is a cache of its stores plus what it counted since the last
 * flush. The counts are exact as long as these hold. Each names the test that fails when it breaks;
 * the processor's tests run on persistent stores with the production RocksDB configuration.
 *
 * <ol>
 *   <li><b>A Bloom filter answers "never stored" only for a bucket it was shown to cover whole.</b>
 *       Only the buckets live events reach (the grace and two dedup windows back from stream
 *       time) have filters; an older bucket, which only a backfilled event checks, is always read.
 *       When a task starts, the filters are filled by iterating that span of the dedup store, and
 *       each bucket's ids are counted against the size the totals store records for it, written in
 *       the same flush as the ids. A bucket that does not match answers "maybe" for every id and
 *       reads the store ({@code beacon_dedup_unfiltered_checks_total}). Every store must iterate
 *       what its memtables hold, where a restore or a standby's promotion leaves the ids.
 *       Tests: {@code EventCountingProcessorTest.shouldRejectAnIdCountedBeforeTheTaskStartedAgain},
 *       {@code shouldReadTheStoreForEveryIdOfABucketWhoseStoredIdsDoNotMatchItsRecordedCount},
 *       {@code shouldDistrustABucketWithARecordedCountAndNoIdsFound}, {@code
 *       BoundedMemoryRocksDbConfigTest.everyStoreIteratesWhatItsMemtablesHoldInKeyOrder}.
 *   <li><b>An id is written no earlier than what it guards.</b> Nothing is written between
 *       flushes; a flush writes the counts, the advertisers' latest event times and the totals,
 *       then the ids (no store the processor writes has a record cache, which would delay a write
 *       to Kafka Streams' next commit). Under exactly_once_v2 they commit together anyway; under
 *       at_least_once a crash then leaves an event counted without its id (it may count twice on
 *       replay) rather than its id without its count (it would be lost). Tests: {@code
 *       shouldWriteIdsOnlyAfterTheCountsTheyGuard}, {@code
 *       shouldCountEachEventOnceWhenADirtyCloseUnderAtLeastOnceReplaysIt}, {@code
 *       shouldCountAnEventWhoseTaskStoppedBeforeItsCountsWereWrittenWhenItIsReplayed}.
 *   <li><b>Every start of a task begins from the stores.</b> {@code init} makes the count buffer,
 *       the dedup index and its filters anew, so nothing held before a rollback, a restore or a
 *       move survives into the next run. Test: {@code
 *       shouldCountFromTheRolledBackStoresWhenATaskIsInitialisedAgain}.
 *   <li><b>Each punctuation is scheduled once per task, whatever the inits.</b> Kafka Streams keeps
 *       a task's punctuation schedules when it revives or resumes the task and calls {@code init}
 *       again; the processor cancels its own at {@code close}. Test: {@code
 *       shouldKeepOneScheduleOfEachPunctuationWhateverTheInits}.
 *   <li><b>A product count not held, in a bucket that started in this task, is zero.</b> The
 *       bucket's advertiser count was neither held nor stored when first read, and the advertiser
 *       and product counts of a bucket are written in the same flush. It stops holding when the
 *       held counts let go of one of the bucket's products; expiry and a start forget all such
 *       buckets. Tests: {@code shouldNotReadProductCountsOfABucketTheStoreHadNoCountOf}, {@code
 *       shouldReadAProductCountAgainOnceTheHeldCountsLetGoOfIt}, {@code HeldCountsTest}.
 *   <li><b>Product counts are written before advertiser counts.</b> A query that sums a window
 *       reads the advertiser's counts and then its products' ({@code ProductSums}) and must find at
 *       least as much in the products. Test: {@code shouldWriteIdsOnlyAfterTheCountsTheyGuard}
 *       (it checks the whole order of a flush).
 *   <li><b>Kafka Streams runs the commit hook before every commit, and before a task is suspended
 *       or closed.</b> {@link io.beacon.streams.counting.CommitHook} is a state store that
 *       implements Kafka Streams' internal {@code CachedStateStore}, whose {@code flushCache} the
 *       task calls in {@code prepareCommit}, before it flushes the changelog producer and commits
 *       the offsets (or the transaction). The held state then commits with the input offsets. The
 *       hook writes only to stores without a record cache, and only what {@code process} put in
 *       memory: a changelog write takes the timestamp of the record being processed, and before a
 *       task's first record there is none (a write then fails, and with it the stream thread). Tests: {@code
 *       BeaconTopologyTest.shouldWriteWhatTheProcessorHoldsAtEveryCommitOfItsTask} (the driver
 *       runs a real {@code StreamTask}); end to end under exactly_once_v2 with SIGKILL, {@code
 *       RestartIT} and {@code ChaosIT}.
 *   <li><b>Every task's dedup store has a segment.</b> Since Kafka Streams 4.3 a store keeps its
 *       changelog offset itself, a window store in each segment; one with no segment has none to
 *       keep, and under exactly_once_v2 the next start treats the whole task as corrupted and
 *       restores it from its changelogs. A task that starts with an empty dedup store writes a
 *       {@link io.beacon.streams.counting.DedupIndex#SEGMENT_KEEPER} record at time 0, which the
 *       first real id expires. Tests: {@code shouldGiveAnEmptyDedupStoreASegment}; {@code
 *       RestartIT.shouldRestoreNothingAndLogNoErrorAfterACleanStop}.
 *   <li><b>The personal model is written before the counts.</b> Once a query sees an event
 *       counted (the totals), the user's history and the co-occurrences it made are visible too:
 *       {@code beacon eval} waits for the count and then asks for recommendations. Test: {@code
 *       shouldWriteIdsOnlyAfterTheCountsTheyGuard}.
 * </ol>
 *
 * <h2>The task lifecycle paths of Kafka Streams 4.3, and what keeps each exact</h2>
 *
 * <ul>
 *   <li><b>Start after a restore</b> (a crash, a move to another instance, a task revived after
 *       {@code TaskCorruptedException}, a replaced stream thread): the stores hold what was
 *       committed, largely in memtables; {@code init} fills the filters from them (1, 3).
 *   <li><b>Standby promoted to active</b>: the standby's stores are recycled into the active task
 *       and {@code init} runs on a new processor, as after a restore (1, 3).
 *   <li><b>Dirty close under exactly_once_v2</b>: {@code prepareCommit(false)} still runs the hook,
 *       but the transaction aborts and the local state is wiped and restored; {@code close} cancels
 *       the punctuations (2, 3, 4).
 *   <li><b>Dirty close under at_least_once</b>: the hook writes what is held (counts, then ids),
 *       no offsets commit, the local state stays, and the input is replayed from the last commit:
 *       ids found in the store reject the replayed events as duplicates, so their counts hold once
 *       (2).
 *   <li><b>Suspend and resume</b> (a rebalance that keeps the task): a clean commit runs the hook,
 *       {@code close}, then {@code init} on the same instance (3, 4).
 *   <li><b>Clean close</b> (shutdown, a task moving away): the hook runs in the last commit; the
 *       stores commit their changelog offsets, so the next start restores nothing (8).
 *   <li><b>A thread that dies</b>: its tasks are closed dirty and start again on the replacing
 *       thread as after a restore; {@link io.beacon.streams.counting.TaskMemoryBudget} hears of the
 *       close and of the new start.
 * </ul>
 *
 * <h2>On every Kafka upgrade</h2>
 *
 * Read {@code StreamTask.prepareCommit}, {@code ProcessorStateManager.flushCache} and {@code
 * CachedStateStore} (7), {@code AbstractSegments.committedOffset} (8) and {@code
 * StreamTask.initializeTopology} with the punctuation queues (4) in the new version's source, and
 * run {@code ./beacon test}: the tests named above fail where a change breaks an invariant.
 */
package io.beacon.streams.counting;
