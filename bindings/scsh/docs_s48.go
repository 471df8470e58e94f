package scsh

import "popsh/interp"

// The doc lines of Scheme48's big-util, sorting and queue procedures
// (defined in scm/srfi.scm and scm/scsh.scm), which scsh scripts reach
// with -o big-util, -o sort, -o queues and the like.

var bigUtilDocs = []interp.DocLine{
	{Name: "concatenate-symbol", Doc: "(concatenate-symbol part ...): the symbol of the parts (strings, symbols, numbers) run together"},
	{Name: "atom?", Doc: "(atom? obj): whether obj is not a pair"},
	{Name: "neq?", Doc: "(neq? a b): (not (eq? a b))"},
	{Name: "n=", Doc: "(n= a b): (not (= a b))"},
	{Name: "identity", Doc: "(identity obj): obj"},
	{Name: "no-op", Doc: "(no-op obj): obj"},
	{Name: "memq?", Doc: "(memq? obj list): whether obj is in list (eq?)"},
	{Name: "any?", Doc: "(any? pred list): whether pred holds for some element"},
	{Name: "every?", Doc: "(every? pred list): whether pred holds for every element"},
	{Name: "remove-duplicates", Doc: "(remove-duplicates list): the elements of list without eq? repeats, last first"},
	{Name: "partition-list", Doc: "(partition-list pred list): the elements satisfying pred and the others, two values"},
	{Name: "partition-list!", Doc: "(partition-list! pred list): partition-list"},
	{Name: "delq!", Doc: "(delq! obj list): list without the elements eq? to obj"},
}

var s48ExtraDocs = []interp.DocLine{
	{Name: "unspecific", Doc: "(unspecific): the unspecified value"},
	{Name: "make-cell", Doc: "(make-cell value): a new cell holding value"},
	{Name: "cell?", Doc: "(cell? obj): whether obj is a cell"},
	{Name: "cell-ref", Doc: "(cell-ref cell): the value a cell holds"},
	{Name: "cell-set!", Doc: "(cell-set! cell value): make a cell hold value"},
	{Name: "relinquish-timeslice", Doc: "(relinquish-timeslice): let the other threads run (thread-yield!)"},
	{Name: "p", Doc: "(p obj [port]): write obj, a long list broken one element a line and indented"},
	{Name: "pp", Doc: "(pp obj [port]): p, then a newline"},
	{Name: "dump", Doc: "(dump obj write-char [depth]): obj as characters, each given to write-char, that restore reads back"},
	{Name: "restore", Doc: "(restore read-char): the object whose dump the thunk read-char gives, character by character"},
}

var sortDocs = []interp.DocLine{
	{Name: "sort-list", Doc: "(sort-list list <): list sorted by <, stably"},
	{Name: "sort-list!", Doc: "(sort-list! list <): sort-list"},
	{Name: "list-sort!", Doc: "(list-sort! < list): list-sort"},
	{Name: "list-stable-sort", Doc: "(list-stable-sort < list): list sorted by <, stably"},
	{Name: "list-stable-sort!", Doc: "(list-stable-sort! < list): list-stable-sort"},
	{Name: "list-merge-sort", Doc: "(list-merge-sort < list): list sorted by <, stably"},
	{Name: "list-merge-sort!", Doc: "(list-merge-sort! < list): list-merge-sort"},
	{Name: "list-merge", Doc: "(list-merge < list1 list2): the sorted lists merged"},
	{Name: "list-merge!", Doc: "(list-merge! < list1 list2): list-merge"},
	{Name: "merge!", Doc: "(merge! list1 list2 <): merge"},
	{Name: "sort!", Doc: "(sort! seq <): a vector sorted in place, or a list sorted"},
	{Name: "list-sorted?", Doc: "(list-sorted? < list): whether list is sorted by <"},
	{Name: "vector-sorted?", Doc: "(vector-sorted? < vector [start end]): whether vector, or its part, is sorted by <"},
	{Name: "sorted?", Doc: "(sorted? seq <): whether the list or vector seq is sorted by <"},
	{Name: "vector-stable-sort", Doc: "(vector-stable-sort < vector [start end]): a new vector of the elements sorted by <"},
	{Name: "vector-merge-sort", Doc: "(vector-merge-sort < vector [start end temp]): a new vector of the elements sorted by <"},
	{Name: "vector-heap-sort", Doc: "(vector-heap-sort < vector [start end]): a new vector of the elements sorted by <"},
	{Name: "vector-insert-sort", Doc: "(vector-insert-sort < vector [start end]): a new vector of the elements sorted by <"},
	{Name: "vector-quick-sort", Doc: "(vector-quick-sort < vector [start end]): a new vector of the elements sorted by <"},
	{Name: "vector-stable-sort!", Doc: "(vector-stable-sort! < vector): sort vector in place"},
	{Name: "vector-merge-sort!", Doc: "(vector-merge-sort! < vector [start end temp]): sort vector, or its part, in place"},
	{Name: "vector-heap-sort!", Doc: "(vector-heap-sort! < vector): sort vector in place"},
	{Name: "vector-insert-sort!", Doc: "(vector-insert-sort! < vector [start end]): sort vector, or its part, in place"},
	{Name: "vector-quick-sort!", Doc: "(vector-quick-sort! < vector [start end]): sort vector, or its part, in place"},
	{Name: "vector-merge", Doc: "(vector-merge < vector1 vector2 [start1 end1 start2 end2]): the sorted vectors merged into a new one"},
	{Name: "list-delete-neighbor-dups", Doc: "(list-delete-neighbor-dups = list): list without the elements = to the one before"},
	{Name: "vector-delete-neighbor-dups", Doc: "(vector-delete-neighbor-dups = vector [start end]): a vector without the elements = to the one before"},
}

var queueDocs = []interp.DocLine{
	{Name: "make-queue", Doc: "(make-queue): a new empty queue (first in, first out)"},
	{Name: "list->queue", Doc: "(list->queue list): a new queue of the elements of list"},
	{Name: "queue?", Doc: "(queue? obj): whether obj is a queue"},
	{Name: "queue-empty?", Doc: "(queue-empty? queue): whether queue is empty"},
	{Name: "enqueue!", Doc: "(enqueue! queue obj): add obj at the end of queue"},
	{Name: "enqueue-many!", Doc: "(enqueue-many! queue list): add the elements of list at the end of queue"},
	{Name: "queue-head", Doc: "(queue-head queue): the first element of queue (an error when empty)"},
	{Name: "maybe-queue-head", Doc: "(maybe-queue-head queue): the first element of queue, or #f"},
	{Name: "dequeue!", Doc: "(dequeue! queue): remove and return the first element (an error when empty)"},
	{Name: "maybe-dequeue!", Doc: "(maybe-dequeue! queue): remove and return the first element, or #f"},
	{Name: "empty-queue!", Doc: "(empty-queue! queue): remove every element"},
	{Name: "queue->list", Doc: "(queue->list queue): the elements of queue, first first"},
	{Name: "queue-length", Doc: "(queue-length queue): the number of elements in queue"},
	{Name: "on-queue?", Doc: "(on-queue? queue obj): whether obj is in queue (eqv?)"},
	{Name: "delete-from-queue!", Doc: "(delete-from-queue! queue obj): remove the first element eqv? to obj; whether there was one"},
}

var enumDocs = []interp.DocLine{
	{Name: "define-enumerated-type", Doc: "(define-enumerated-type id type pred elements name-ref index-ref (name ...)): a finite type; (id name) is its element, elements a vector of them all"},
	{Name: "define-enum-set-type", Doc: "(define-enum-set-type id type pred list->set element-syntax element-pred elements index-ref): sets of a finite type's elements; (id name ...) is a set"},
	{Name: "enum-set?", Doc: "(enum-set? obj): whether obj is an enum set"},
	{Name: "enum-set->list", Doc: "(enum-set->list set): the elements of set, by index"},
	{Name: "enum-set-member?", Doc: "(enum-set-member? set element): whether element is in set"},
	{Name: "enum-set=?", Doc: "(enum-set=? set1 set2): whether the two sets (of one type) have the same elements"},
	{Name: "enum-set-union", Doc: "(enum-set-union set1 set2): the elements in either set"},
	{Name: "enum-set-intersection", Doc: "(enum-set-intersection set1 set2): the elements in both sets"},
	{Name: "enum-set-negation", Doc: "(enum-set-negation set): the elements of the type not in set"},
}
