// SPDX-License-Identifier: LGPL-2.1-or-later
#pragma once
// Entities of an inventory (drives, arrays, controllers) by their `id`, in one flat table.
//
// raidmond matches the drives of two inventories by id several times per batch (the health
// join, the diff, the common-cause search, the hot-swap engine). A node-based hash map of 1,000
// drives allocates 1,000 nodes each time; this table is one vector of pointers (open addressing,
// linear probing), and its keys are the entities' own ids: it must not outlive them, and they
// must not move or be renamed while it is in use.

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace raidmon::detail {

template <typename T>
class IdIndex {
public:
    IdIndex() = default;
    /// Every element of `items` (a vector of T, or of its non-const form); the first of an id wins.
    template <typename Range>
    explicit IdIndex(Range& items) {
        grow(items.size());
        for (auto& x : items) insert(x);
    }

    /// Room for `n` entries without placing them again.
    void reserve(std::size_t n) { grow(n); }

    /// Adds `x` unless an entry with its id is there. The entry with that id afterwards: `x`, or
    /// the one that was there first.
    T* insert(T& x) {
        if ((count_ + 1) * 2 > table_.size()) grow(count_ + 1);
        std::size_t i = home(x.id);
        for (; table_[i]; i = (i + 1) & mask_)
            if (table_[i]->id == x.id) return table_[i];
        table_[i] = &x;
        ++count_;
        return &x;
    }

    T* find(std::string_view id) const {
        if (table_.empty()) return nullptr;
        for (std::size_t i = home(id); table_[i]; i = (i + 1) & mask_)
            if (table_[i]->id == id) return table_[i];
        return nullptr;
    }
    bool contains(std::string_view id) const { return find(id) != nullptr; }
    std::size_t size() const { return count_; }

private:
    std::size_t home(std::string_view id) const { return std::hash<std::string_view>{}(id) & mask_; }

    /// Room for `n` entries at a load of at most one half; the entries there are placed again.
    void grow(std::size_t n) {
        std::size_t cap = 16;
        while (cap < 2 * n) cap *= 2;
        if (cap <= table_.size()) return;
        std::vector<T*> old(cap, nullptr);
        old.swap(table_);
        mask_ = cap - 1;
        count_ = 0;
        for (T* p : old)
            if (p) insert(*p);
    }

    std::vector<T*> table_;
    std::size_t mask_ = 0;
    std::size_t count_ = 0;
};

/// `IdIndex idx(inv.drives)`: an index of a const vector is read-only, one of a vector is not.
template <typename T>
IdIndex(const std::vector<T>&) -> IdIndex<const T>;
template <typename T>
IdIndex(std::vector<T>&) -> IdIndex<T>;

} // namespace raidmon::detail
