#pragma once

#include <QtGlobal>

#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

// A queue read by index: values are appended at the back and dropped from the front, as
// the traffic log's rows are. Like std::deque, but in blocks of BlockSize values.
//
// libstdc++'s deque allocates a node per 512 bytes, four TrafficEvents: a million rows
// were 250,000 allocations, and a map of 250,000 node pointers that the deque copies into
// fresh memory each time it grows. With page faults as dear as on the benchmark machine,
// those copies made single view updates of tests/bench/bench_logview (B6) twice as slow as
// the others. Here a million rows are a thousand blocks: the vector of block pointers is
// 250 times smaller than the deque's map, and values never move once appended. A block of
// TrafficEvents is about 112 KiB: under the 1 MiB from which the app has malloc() map
// blocks of their own (preferMappedLargeBlocks()), so an emptied block goes back to the
// heap and the next one is made from it, without new pages.
template<typename T, std::size_t BlockSize = 1024>
class BlockQueue
{
public:
    BlockQueue() = default;
    BlockQueue(const BlockQueue &) = delete;
    BlockQueue &operator=(const BlockQueue &) = delete;
    ~BlockQueue() { clear(); }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    T &operator[](std::size_t index)
    {
        Q_ASSERT(index < m_size);
        return *slot(m_first + index);
    }
    const T &operator[](std::size_t index) const
    {
        Q_ASSERT(index < m_size);
        return *slot(m_first + index);
    }

    void push_back(T &&value)
    {
        const std::size_t at = m_first + m_size;
        if (at / BlockSize == m_blocks.size())
            m_blocks.push_back(std::unique_ptr<Block>(new Block)); // not zeroed
        new (m_blocks[at / BlockSize]->bytes + at % BlockSize * sizeof(T)) T(std::move(value));
        ++m_size;
    }

    // Destroys the first `count` values (at most size()).
    void pop_front(std::size_t count)
    {
        count = count < m_size ? count : m_size;
        for (std::size_t i = 0; i < count; ++i)
            slot(m_first + i)->~T();
        m_first += count;
        m_size -= count;
        const std::size_t emptied = m_size == 0 ? m_blocks.size() : m_first / BlockSize;
        m_blocks.erase(m_blocks.begin(), m_blocks.begin() + std::ptrdiff_t(emptied));
        m_first = m_size == 0 ? 0 : m_first - emptied * BlockSize;
    }

    // Destroys every value and gives all the memory back.
    void clear()
    {
        pop_front(m_size);
        std::vector<std::unique_ptr<Block>>().swap(m_blocks);
    }

private:
    struct Block
    {
        alignas(T) unsigned char bytes[BlockSize * sizeof(T)];
    };

    T *slot(std::size_t at) const
    {
        return std::launder(
            reinterpret_cast<T *>(m_blocks[at / BlockSize]->bytes + at % BlockSize * sizeof(T)));
    }

    std::vector<std::unique_ptr<Block>> m_blocks;
    std::size_t m_first = 0; // index of the front value in m_blocks.front()
    std::size_t m_size = 0;
};
