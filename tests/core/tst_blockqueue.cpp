#include "blockqueue.h"

#include <QTest>

#include <memory>

namespace {

// Counts live values, so that every value is destroyed exactly once.
struct Counted
{
    static inline int alive = 0;
    int value = 0;
    std::unique_ptr<int> owned; // move-only, like a row that owns its payload

    explicit Counted(int v)
        : value(v)
        , owned(std::make_unique<int>(v))
    {
        ++alive;
    }
    Counted(Counted &&other) noexcept
        : value(other.value)
        , owned(std::move(other.owned))
    {
        ++alive;
    }
    Counted(const Counted &) = delete;
    ~Counted() { --alive; }
};

// Appends Counted values first, first + 1, ... (count of them).
void appendCounted(BlockQueue<Counted, 4> &queue, int first, int count)
{
    for (int i = first; i < first + count; ++i)
        queue.push_back(Counted(i));
}

} // namespace

class tst_BlockQueue : public QObject
{
    Q_OBJECT

private slots:
    void init() { Counted::alive = 0; }
    void appendAndReadAcrossBlocks();
    void popFrontAcrossBlocks();
    void popEverythingThenAppend();
    void clearAndDestructorDestroyEverything();
    void overAlignedValues();
};

void tst_BlockQueue::appendAndReadAcrossBlocks()
{
    BlockQueue<Counted, 4> queue;
    QVERIFY(queue.empty());
    appendCounted(queue, 0, 10);
    QCOMPARE(queue.size(), std::size_t(10));
    QCOMPARE(Counted::alive, 10); // the moved-from temporaries are gone
    for (int i = 0; i < 10; ++i) {
        QCOMPARE(queue[std::size_t(i)].value, i);
        QCOMPARE(*queue[std::size_t(i)].owned, i);
    }
}

void tst_BlockQueue::popFrontAcrossBlocks()
{
    BlockQueue<Counted, 4> queue;
    int next = 0;
    int front = 0;
    // Rows arrive and the oldest go, as a log over budget does, through many blocks.
    for (int round = 0; round < 50; ++round) {
        appendCounted(queue, next, 3);
        next += 3;
        const std::size_t drop = round % 2 == 0 ? 1 : 3;
        if (queue.size() > 5) {
            queue.pop_front(drop);
            front += int(drop);
        }
        QCOMPARE(Counted::alive, int(queue.size()));
        for (std::size_t i = 0; i < queue.size(); ++i)
            QCOMPARE(queue[i].value, front + int(i));
    }
    queue.pop_front(queue.size() + 5); // more than there is: all of it
    QVERIFY(queue.empty());
    QCOMPARE(Counted::alive, 0);
}

void tst_BlockQueue::popEverythingThenAppend()
{
    BlockQueue<Counted, 4> queue;
    appendCounted(queue, 0, 6);
    queue.pop_front(6);
    QVERIFY(queue.empty());
    queue.push_back(Counted(42));
    QCOMPARE(queue.size(), std::size_t(1));
    QCOMPARE(queue[0].value, 42);
    QCOMPARE(Counted::alive, 1);
}

void tst_BlockQueue::clearAndDestructorDestroyEverything()
{
    {
        BlockQueue<Counted, 4> queue;
        appendCounted(queue, 0, 9);
        queue.pop_front(2);
        queue.clear();
        QVERIFY(queue.empty());
        QCOMPARE(Counted::alive, 0);
        appendCounted(queue, 0, 7);
        QCOMPARE(queue[6].value, 6);
        queue.pop_front(5);
        QCOMPARE(Counted::alive, 2);
    }
    QCOMPARE(Counted::alive, 0);
}

void tst_BlockQueue::overAlignedValues()
{
    struct alignas(64) Wide
    {
        int value = 0;
    };
    BlockQueue<Wide, 3> queue;
    for (int i = 0; i < 10; ++i)
        queue.push_back(Wide{i});
    for (std::size_t i = 0; i < queue.size(); ++i) {
        QCOMPARE(reinterpret_cast<quintptr>(&queue[i]) % 64, quintptr(0));
        QCOMPARE(queue[i].value, int(i));
    }
}

QTEST_APPLESS_MAIN(tst_BlockQueue)
#include "tst_blockqueue.moc"
